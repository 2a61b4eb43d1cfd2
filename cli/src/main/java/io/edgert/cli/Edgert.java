package io.edgert.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The {@code edgert} command: entry point of the runnable jar. Subcommands do the work. */
@Command(name = "edgert", mixinStandardHelpOptions = true, versionProvider = Edgert.Version.class,
        description = "Runs int8 TensorFlow Lite models on edge devices.",
        subcommands = {InfoCommand.class, InspectCommand.class, RunCommand.class, ClassifyCommand.class,
                DemoCommand.class, BenchCommand.class, QuantizeCommand.class, ProfileCommand.class, TuneCommand.class,
                CommandLine.HelpCommand.class})
public final class Edgert implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand: one of "
                + String.join(", ", spec.subcommands().keySet()));
    }

    /** The configured command line; tests call {@code execute} on it with their own out/err writers. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Edgert());
        cl.setExecutionExceptionHandler(new ErrorHandler());
        return cl;
    }

    public static void main(String[] args) {
        // The runtime logs through java.util.logging (Android has no System.Logger): one "WARNING: message" line per
        // record instead of JUL's default two lines with a timestamp and class name. A user's own setting wins.
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s: %5$s%6$s%n");
        }
        System.exit(commandLine().execute(args));
    }

    /** The version from the jar's Maven metadata ("dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"edgert " + version()};
        }

        static String version() {
            try (InputStream in = Edgert.class.getResourceAsStream(
                    "/META-INF/maven/io.edgert/edgert-cli/pom.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    return p.getProperty("version", "dev");
                }
            } catch (IOException e) {
                // fall through: the version is cosmetic
            }
            return "dev";
        }
    }
}
