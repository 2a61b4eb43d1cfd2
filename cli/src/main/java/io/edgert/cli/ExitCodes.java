package io.edgert.cli;

/** Process exit codes of {@code edgert}; documented in the README. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The model could not run: backend unavailable, unsupported op, runtime failure. */
    public static final int RUN_FAILED = 1;
    /** Bad command line (picocli's own code for usage errors). */
    public static final int USAGE = 2;
    /** Bad input: missing or invalid model, image, .npy or labels file, or data of the wrong shape/type. */
    public static final int BAD_INPUT = 3;
    /** A bug in edgert: reported with a stack trace. */
    public static final int INTERNAL = 70;

    private ExitCodes() {
    }
}
