package io.edgert.cli;

import io.edgert.bench.BenchTable;
import io.edgert.bench.ModelBench;
import io.edgert.bench.zoo.MobileNetStyle;
import io.edgert.device.Device;
import io.edgert.runtime.Model;
import io.edgert.runtime.backend.Backend;
import io.edgert.runtime.backend.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code edgert demo}: the device summary, then a built-in MobileNet-style int8 model (or {@code --model FILE})
 * timed on every available backend.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Shows the device and times a built-in MobileNet-style int8 model (or --model FILE) on every "
                + "available backend: warm-up runs, then interleaved timed runs; median, min and p90.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "time this .tflite instead of the built-in")
    Path modelPath;

    @Option(names = {"-b", "--backends"}, split = ",", paramLabel = "NAME",
            description = "backends to time (default: every available one)")
    List<String> backends;

    @Option(names = {"-t", "--threads"}, defaultValue = "1", description = "threads (default: ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--warmup", defaultValue = "3", description = "warm-up runs per backend (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = {"-n", "--runs"}, defaultValue = "20", description = "timed runs per backend (default: ${DEFAULT-VALUE})")
    int runs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> chosen = backends != null ? backends : availableBackends();
        try (Model model = modelPath != null ? Model.load(modelPath) : builtInModel()) {
            DeviceSummary.print(Device.detect(), out);
            out.println();
            out.printf("model    %s: %d ops, %d input%s%n", modelPath != null ? modelPath : "built-in MobileNetV1-style int8 (96x96x3, alpha 0.25)",
                    model.operators().size(), model.inputCount(), model.inputCount() == 1 ? "" : "s");
            out.printf("timing   %d warm-up + %d timed runs per backend, interleaved, %d thread%s%n%n", warmup, runs,
                    threads, threads == 1 ? "" : "s");
            out.flush();
            String label = modelPath != null ? modelPath.getFileName().toString() : "demo";
            BenchTable.print(new ModelBench(warmup, runs, 0, threads, 1).run(model, label, chosen), out);
        }
        return ExitCodes.OK;
    }

    private static Model builtInModel() throws Exception {
        return MobileNetStyle.demoDefault();
    }

    static List<String> availableBackends() {
        List<String> r = new ArrayList<>();
        for (String name : Backends.names()) {
            if (Backends.AUTO.equals(name)) {
                continue;
            }
            Backend b = Backends.get(name);
            if (b.isAvailable()) {
                r.add(name);
            }
        }
        return r;
    }
}
