package io.edgert.cli;

import io.edgert.runtime.Session;
import picocli.CommandLine.Option;

/** The options every command that opens a session shares (a picocli mixin): backend, threads, device profile. */
final class SessionOptions {
    @Option(names = {"-b", "--backend"}, defaultValue = "auto",
            description = "backend: native, tflite, tflite-ref or auto (default: ${DEFAULT-VALUE}: native when it "
                    + "covers every op, else tflite)")
    String backend;

    @Option(names = {"-t", "--threads"}, description = "threads (default: the device profile's choice)")
    Integer threads;

    @Option(names = {"--profile", "--device-profile"}, paramLabel = "ID|FILE",
            description = "device profile id or JSON file instead of the detected one (see: edgert profile)")
    String profile;

    Session.Options toOptions() {
        Session.Options o = Session.Options.defaults().backend(backend).profile(profile);
        if (threads != null) {
            if (threads < 1) {
                throw CliException.badInput("--threads must be at least 1, got " + threads);
            }
            o.threads(threads);
        }
        return o;
    }
}
