package io.edgert.e2e;

import io.edgert.cli.Edgert;
import io.edgert.device.Device;
import io.edgert.device.DeviceDetector;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.NativeBackend;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Main class of the emulated arm64 JVM (and of the x86 reference run, in-process): one JVM start per CPU tier runs
 * every model, because starting a JVM under qemu costs seconds. Each model goes through {@code edgert run} (seeded
 * random inputs, outputs as .npy), so both sides use the same input generation and output writing as users do.
 *
 * <p>Writes under OUT_DIR: {@code device.properties} (arch, features, their source, the matched profile, and the
 * features detected without the native library),
 * {@code <model>/<backend>/output_<i>.npy}, {@code <model>/<backend>/exit} and, for native, {@code kernels.txt}.
 */
public final class EmulatedRunDriver {
    private EmulatedRunDriver() {
    }

    /** Arguments: OUT_DIR SEED BACKEND[,BACKEND...] MODEL... */
    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            throw new IllegalArgumentException("usage: OUT_DIR SEED BACKENDS MODEL...");
        }
        Path out = Path.of(args[0]);
        List<Path> models = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            models.add(Path.of(args[i]));
        }
        writeDevice(out);
        run(out, Long.parseLong(args[1]), List.of(args[2].split(",")), models);
    }

    static void writeDevice(Path out) throws IOException {
        Device d = Profiles.device();
        Properties p = new Properties();
        p.setProperty("arch", d.arch());
        p.setProperty("features", String.join(" ", d.featureList()));
        p.setProperty("featureSource", d.featureSource());
        p.setProperty("profile", Profiles.match(d).profile().id());
        // The same detection without the native probe: on arm64 it reads /proc/self/auxv, which qemu emulates.
        Device withoutNative = new DeviceDetector(Path.of("/"), d.os(), d.arch(), d.availableCpus(),
                OptionalLong::empty, List.of()).detect();
        p.setProperty("withoutNative.features", String.join(" ", withoutNative.featureList()));
        p.setProperty("withoutNative.featureSource", withoutNative.featureSource());
        Files.createDirectories(out);
        try (var w = Files.newBufferedWriter(out.resolve("device.properties"), StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
    }

    /** Runs each model on each backend; a failing run leaves its exit code and message, the others still run. */
    static void run(Path out, long seed, List<String> backends, List<Path> models) throws Exception {
        for (Path model : models) {
            for (String backend : backends) {
                Path dir = out.resolve(name(model)).resolve(backend);
                Files.createDirectories(dir);
                StringWriter log = new StringWriter();
                PrintWriter pw = new PrintWriter(log);
                int rc = Edgert.commandLine().setOut(pw).setErr(pw).execute("run", model.toString(), "--backend",
                        backend, "--threads", "1", "--seed", Long.toString(seed), "--output-dir", dir.toString());
                pw.flush();
                Files.writeString(dir.resolve("exit"), Integer.toString(rc));
                Files.writeString(dir.resolve("log.txt"), log.toString());
                if (backend.equals("native") && rc == 0) {
                    try (Model m = Model.load(model)) {
                        List<String> kernels = NativeBackend.summarize(m,
                                Session.Options.defaults().backend("native").threads(1)).kernels();
                        Files.write(dir.resolve("kernels.txt"), kernels);
                    }
                }
            }
        }
    }

    /** The model's file name without .tflite: the per-model output directory. */
    static String name(Path model) {
        String n = model.getFileName().toString();
        return n.endsWith(".tflite") ? n.substring(0, n.length() - ".tflite".length()) : n;
    }
}
