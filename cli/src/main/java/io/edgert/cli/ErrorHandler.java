package io.edgert.cli;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.ModelFormatException;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;

/**
 * Turns exceptions from subcommands into one-line messages and exit codes. User errors (bad files, wrong shapes,
 * unavailable backends) never print a stack trace; anything else is a bug in edgert and does.
 * Set {@code EDGERT_DEBUG=1} to get stack traces for user errors too.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
        String prefix = cl.getCommandName() + ": ";
        int code;
        String message;
        if (e instanceof CliException ce) {
            code = ce.exitCode();
            message = ce.getMessage();
        } else if (e instanceof ModelFormatException) {
            code = ExitCodes.BAD_INPUT;
            message = "invalid model: " + e.getMessage();
        } else if (e instanceof EdgertException) {
            code = ExitCodes.RUN_FAILED;
            message = e.getMessage();
        } else if (e instanceof NoSuchFileException nsf) {
            code = ExitCodes.BAD_INPUT;
            message = "no such file: " + nsf.getFile();
        } else if (e instanceof AccessDeniedException ade) {
            code = ExitCodes.BAD_INPUT;
            message = "permission denied: " + ade.getFile();
        } else if (e instanceof IOException) {
            code = ExitCodes.BAD_INPUT;
            message = e.getMessage();
        } else if (e instanceof IllegalArgumentException) {
            // The runtime's caller errors: "input 0 'x': expected 150528 bytes, got 10".
            code = ExitCodes.BAD_INPUT;
            message = e.getMessage();
        } else {
            cl.getErr().println(prefix + "internal error (a bug in edgert, please report it):");
            e.printStackTrace(cl.getErr());
            cl.getErr().flush();
            return ExitCodes.INTERNAL;
        }
        cl.getErr().println(cl.getColorScheme().errorText(prefix + "error: " + message));
        if (System.getenv("EDGERT_DEBUG") != null) {
            e.printStackTrace(cl.getErr());
        }
        cl.getErr().flush();
        return code;
    }
}
