package io.edgert.cli;

import io.edgert.quant.BiasCorrection;
import io.edgert.quant.IoType;
import io.edgert.quant.ModelQuantizer;
import io.edgert.quant.QuantizerOptions;
import io.edgert.quant.calib.CalibrationMethod;
import io.edgert.quant.data.DataSets;
import io.edgert.quant.data.ImagePreprocessing;
import io.edgert.quant.graph.PruneSpec;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code edgert quantize}: float32 .tflite in, int8 .tflite out (TFLite int8 spec), with a report.
 * Needs {@code edgert-quantizer} and picocli on the cli module's classpath (registered by the cli owner).
 */
@Command(name = "quantize", mixinStandardHelpOptions = true,
        description = "Quantize a float32 .tflite model to int8 (per-channel weights, calibrated activations).")
public final class QuantizeCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "IN.tflite", description = "the float32 model (never overwritten)")
    Path input;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "OUT.tflite",
            description = "the int8 model, written atomically")
    Path output;

    @Option(names = "--calib", paramLabel = "DIR",
            description = "calibration data: a directory of .npy files (float32, one sample or a stack per file) or of "
                    + "images; without it, random data is generated (with a warning)")
    Path calib;

    @Option(names = "--calib-samples", defaultValue = "200", description = "calibration samples (default: ${DEFAULT-VALUE})")
    int calibSamples;

    @Option(names = "--eval-samples", defaultValue = "50",
            description = "held-out samples for the report's SQNR and top-1 agreement (default: ${DEFAULT-VALUE})")
    int evalSamples;

    @Option(names = "--method", defaultValue = "minmax", description = "minmax, percentile, mse or kl (default: ${DEFAULT-VALUE})")
    String method;

    @Option(names = "--percentile", defaultValue = "99.99", description = "for --method percentile (default: ${DEFAULT-VALUE})")
    double percentile;

    @Option(names = "--io", defaultValue = "int8", description = "input/output type: int8, uint8 or float (default: ${DEFAULT-VALUE})")
    String io;

    @Option(names = "--per-tensor", description = "per-tensor FULLY_CONNECTED weights (conv weights stay per-channel)")
    boolean perTensor;

    @Option(names = "--prune", paramLabel = "SPEC", description = "magnitude pruning first: a sparsity (0.5) or N:M (2:4)")
    String prune;

    @Option(names = "--cle", description = "cross-layer equalization of conv -> (ReLU) -> conv pairs")
    boolean cle;

    @Option(names = "--bias-correction", arity = "0..1", paramLabel = "MODE", defaultValue = "none",
            fallbackValue = "analytic", description = "correct biases for the mean output error: analytic (the default "
            + "when given without a value: rounded weights times calibrated input means) or empirical (measured "
            + "layer by layer against the float model)")
    String biasCorrection;

    @Option(names = "--strict", description = "fail instead of leaving unsupported ops in float")
    boolean strict;

    @Option(names = "--report", paramLabel = "FILE.json", description = "also write the report as JSON")
    Path report;

    @Option(names = "--mean", defaultValue = "0", split = ",", description = "image preprocessing: (pixel - mean) / std, per channel or one value")
    float[] mean;

    @Option(names = "--std", defaultValue = "1", split = ",", description = "image preprocessing std (255 maps pixels to 0..1)")
    float[] std;

    @Option(names = "--bgr", description = "feed image channels in BGR order")
    boolean bgr;

    @Option(names = "--random-range", defaultValue = "-1,1", split = ",", paramLabel = "LO,HI",
            description = "range of generated data when --calib is absent (default: ${DEFAULT-VALUE})")
    float[] randomRange;

    @Option(names = "--progress", description = "show the calibration progress bar even when stderr is not a console")
    boolean progress;

    @Override
    public Integer call() {
        try {
            run();
            return 0;
        } catch (IllegalArgumentException | IOException | EdgertException e) {
            System.err.println("edgert quantize: " + e.getMessage());
            return 1;
        }
    }

    private void run() throws IOException, EdgertException {
        if (!Files.isRegularFile(input)) {
            throw new IOException(input + ": no such model file");
        }
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new IllegalArgumentException("the output must not be the input: " + output);
        }
        QuantizerOptions options = QuantizerOptions.defaults()
                .withMethod(CalibrationMethod.parse(method))
                .withPercentile(percentile)
                .withIo(IoType.parse(io))
                .withPerTensorFc(perTensor)
                .withPrune(prune == null ? null : PruneSpec.parse(prune))
                .withCrossLayerEqualization(cle)
                .withBiasCorrection(BiasCorrection.parse(biasCorrection))
                .withStrict(strict)
                .withProgress(progress);
        int[] shape;
        try (Model m = Model.load(input)) {
            shape = m.input(0).shape();
        }
        DataSets.Split data;
        if (calib != null) {
            data = DataSets.fromDirectory(calib, shape, calibSamples, evalSamples, new ImagePreprocessing(mean, std, bgr), 1);
        } else {
            if (randomRange.length != 2) {
                throw new IllegalArgumentException("expected --random-range LO,HI, got " + randomRange.length + " values");
            }
            int elements = 1;
            for (int d : shape) {
                elements *= d;
            }
            // ModelQuantizer logs the loud warning and the report flags the data as GENERATED.
            data = DataSets.generated(elements, calibSamples, evalSamples, randomRange[0], randomRange[1], 1);
        }
        ModelQuantizer.Result r = new ModelQuantizer(options).quantize(input, output, data.calibration(),
                data.evaluation().size() == 0 ? null : data.evaluation());
        System.out.print(r.report().toText());
        System.out.println("wrote " + output);
        if (report != null) {
            ModelQuantizer.writeAtomically(report, r.report().toJson().getBytes(StandardCharsets.UTF_8));
        }
    }
}
