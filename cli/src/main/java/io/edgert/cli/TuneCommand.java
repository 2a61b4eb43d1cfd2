package io.edgert.cli;

import io.edgert.bench.ProfileTuner;
import io.edgert.device.Device;
import io.edgert.device.profile.DeviceProfile;
import io.edgert.device.profile.ProfileMatch;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;

/**
 * {@code edgert tune MODEL [-o FILE]}: times every eligible kernel variant per op type and several thread counts on
 * this device ({@link ProfileTuner}) and writes a profile that extends the matched one and matches only this
 * device's fingerprint. Written to the user profile directory (the default), it is picked up automatically on this
 * device; elsewhere, pass it with {@code --profile FILE}.
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = "Times each eligible kernel variant per op type (and thread counts) for MODEL on this device "
                + "and writes a tuned device profile extending the matched one.")
final class TuneCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .tflite file to tune for")
    Path modelPath;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "where to write the tuned profile (default: <user profile dir>/<id>.json)")
    Path output;

    @Option(names = {"--profile", "--device-profile"}, paramLabel = "ID",
            description = "the profile to extend (a built-in or user-directory id); default: the detected one")
    String profile;

    @Option(names = {"-n", "--runs"}, defaultValue = "30", description = "timed runs per candidate (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--warmup", defaultValue = "5", description = "warm-up runs per candidate (default: ${DEFAULT-VALUE})")
    int warmup;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (runs < 1 || warmup < 0) {
            throw CliException.badInput("expected --runs >= 1 and --warmup >= 0, got " + runs + ", " + warmup);
        }
        Device d = Profiles.device();
        ProfileMatch m = Profiles.resolve(profile, d);
        // Re-tuning starts from what a tuned profile itself extends, so tuned profiles never stack.
        DeviceProfile base = m.profile().match().fingerprint() != null
                ? Profiles.resolve(m.profile().parent(), d).profile() : m.profile();
        if (!base.source().startsWith("builtin:") && Profiles.userProfiles(new java.util.ArrayList<>()).stream()
                .noneMatch(u -> u.id().equals(base.id()))) {
            throw CliException.badInput("tune extends a profile by id: '" + base.id() + "' comes from " + base.source()
                    + "; copy it to " + Profiles.userDirectory() + " or pass a built-in id");
        }
        out.printf("Tuning %s on %s%nbase profile %s (%s)%n", modelPath, Profiles.fingerprint(d), base.id(), m.how());
        ProfileTuner.Result r;
        try (Model model = Model.load(modelPath)) {
            r = new ProfileTuner(warmup, runs).tune(model, modelPath.getFileName().toString(), base, d);
        }
        r.log().forEach(line -> out.println("  " + line));
        String text = Profiles.toJson(r.document());
        String id = (String) r.document().get("id");
        Profiles.parse(text, id);  // what we write must load
        Path file = output != null ? output : Profiles.userDirectory().resolve(id + ".json");
        write(file, text);
        out.printf("wrote %s (id %s, extends %s, threads %d)%n", file, id, base.id(), r.threads());
        out.println(file.toAbsolutePath().normalize().getParent().equals(
                Profiles.userDirectory().toAbsolutePath().normalize())
                ? "this device now gets it automatically (its fingerprint matches); see: edgert profile"
                : "use it with --profile " + file + " (or copy it to " + Profiles.userDirectory() + ")");
        out.flush();
        return ExitCodes.OK;
    }

    private static void write(Path file, String text) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".tune", ".json");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
