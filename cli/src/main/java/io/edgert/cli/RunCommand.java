package io.edgert.cli;

import io.edgert.runtime.DataType;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.Tensor;
import io.edgert.runtime.io.Npy;
import io.edgert.runtime.io.NpyArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;

/** {@code edgert run MODEL}: one inference with .npy inputs (or seeded random ones), outputs written as .npy. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Runs a model once on NumPy .npy inputs (random from --seed when none are given) and writes "
                + "each output to DIR/output_<index>.npy.")
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "the .tflite file")
    Path modelPath;

    @Mixin
    SessionOptions sessionOptions;

    @Option(names = {"-i", "--input"}, paramLabel = "FILE.npy",
            description = "one .npy per model input, in input order; float32 is quantized for quantized inputs")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--seed", defaultValue = "1", description = "seed for random inputs (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", defaultValue = ".",
            description = "where output_<index>.npy go (default: current directory)")
    Path outputDir;

    @Option(names = "--float-outputs", description = "write dequantized float32 outputs instead of raw ones")
    boolean floatOutputs;

    private Session.Options options() {
        return sessionOptions.toOptions();
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        try (Model model = Model.load(modelPath);
             Session session = model.newSession(options())) {
            int threads = session.options().threads();
            if (!inputs.isEmpty() && inputs.size() != session.inputCount()) {
                throw CliException.badInput("expected " + session.inputCount() + " --input file"
                        + (session.inputCount() == 1 ? "" : "s") + " (one per model input), got " + inputs.size());
            }
            out.printf("model    %s on %s, %d thread%s, profile %s%n", modelPath, session.backendName(), threads,
                    threads == 1 ? "" : "s", session.profileMatch().profile().id());
            Random rnd = new Random(seed);
            for (Tensor t : session.inputs()) {
                String how = inputs.isEmpty() ? InputFeeder.random(t, rnd) + " (seed " + seed + ")"
                        : InputFeeder.fromNpy(t, inputs.get(t.index()));
                out.printf("input %d  '%s' %s %s <- %s%n", t.index(), t.name(), t.dataType().label(),
                        Formats.shape(t.shape()), how);
            }
            long start = System.nanoTime();
            session.run();
            long nanos = System.nanoTime() - start;
            out.printf("run      %s ms%n", Formats.millis(nanos));
            Files.createDirectories(outputDir);
            for (Tensor t : session.outputs()) {
                Path file = outputDir.resolve("output_" + t.index() + ".npy");
                boolean dequantize = floatOutputs && t.dataType() != DataType.FLOAT32;
                NpyArray array = dequantize ? NpyArray.ofFloats(t.shape(), t.getFloats())
                        : new NpyArray(t.shape(), t.dataType(), t.getBytes());
                Npy.write(file, array);
                out.printf("output %d '%s' %s %s -> %s%n", t.index(), t.name(), array.dataType().label(),
                        Formats.shape(t.shape()), file);
                printTop5(t, out);
            }
        }
        out.flush();
        return ExitCodes.OK;
    }

    private static void printTop5(Tensor t, PrintWriter out) {
        boolean dequantizable = t.dataType() == DataType.FLOAT32
                || (t.quantization().isPerTensor() && t.dataType().isQuantizedType());
        if (!TopK.isClassifierShape(t.shape()) || !dequantizable) {
            return;
        }
        float[] scores = t.getFloats();
        int[] top = TopK.indices(scores, 5);
        out.println("  top-5 (class: score)");
        for (int r = 0; r < top.length; r++) {
            out.printf(Locale.ROOT, "  %d  %5d: %.6f%n", r + 1, top[r], scores[top[r]]);
        }
    }
}
