package io.edgert.quant.eval;

import io.edgert.quant.BiasCorrection;
import io.edgert.quant.ModelQuantizer;
import io.edgert.quant.QuantizerOptions;
import io.edgert.quant.calib.CalibrationMethod;
import io.edgert.quant.data.ImagePreprocessing;
import io.edgert.quant.data.ImageSamples;
import io.edgert.quant.data.Images;
import io.edgert.quant.data.RandomSamples;
import io.edgert.quant.data.RgbImage;
import io.edgert.quant.data.SampleSource;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.model.TensorInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The quantizer's yardstick: quantize the MLPerf Tiny float models and compare with their official int8 twins on
 * the same held-out inputs (output SQNR against the float model, top-1 agreement).
 * Vision models calibrate on the four photos and crops/flips/rescales of them and are evaluated on other random
 * crops/flips/rescales (another seed, no whole photos, so no sample is in both sets); audio models use uniform inputs within the range the official
 * int8 model's input quantization covers (different seeds for calibration and evaluation). Pixels map linearly onto
 * that same range, which is how the official models were fed (resnet: 0..255, vww: 0..1).
 *
 * <p>Run: {@code java -cp ... io.edgert.quant.eval.Yardstick /path/to/shared [calibrationSamples] [evalSamples]}.
 */
public final class Yardstick {
    public record Case(String name, String floatFile, String officialFile, boolean vision) {
    }

    public static final List<Case> CASES = List.of(
            new Case("resnet", "pretrainedResnet.tflite", "pretrainedResnet_quant.tflite", true),
            new Case("vww", "vww_96_float.tflite", "vww_96_int8.tflite", true),
            new Case("kws", "kws_ref_model_float32.tflite", "kws_ref_model.tflite", false),
            new Case("ad01", "ad01_fp32.tflite", "ad01_int8.tflite", false));

    /** The best configuration per model found by {@link #main} (every method, with and without CLE and bias correction). */
    public static QuantizerOptions best(Case c) {
        QuantizerOptions d = QuantizerOptions.defaults();
        return switch (c.name()) {
            case "resnet" -> d.withMethod(CalibrationMethod.PERCENTILE).withCrossLayerEqualization(true).withBiasCorrection(true);
            case "vww" -> d.withMethod(CalibrationMethod.MSE).withBiasCorrection(true);
            case "kws" -> d.withMethod(CalibrationMethod.MSE);
            case "ad01" -> d.withMethod(CalibrationMethod.MINMAX).withBiasCorrection(true);
            default -> d;
        };
    }

    public static String label(QuantizerOptions o) {
        return o.method().label() + (o.crossLayerEqualization() ? "+cle" : "") + (o.biasCorrection() == BiasCorrection.NONE ? "" : "+bc-" + o.biasCorrection().label());
    }

    public record Row(Case c, String config, OutputAgreement ours, OutputAgreement official, double seconds) {
        public boolean meetsTarget() {
            return ours.sqnrDb() >= official.sqnrDb() && ours.top1() >= official.top1();
        }

        public String format() {
            return String.format(Locale.ROOT, "%-7s %-22s %9.2f %9.2f %8.1f%% %8.1f%% %7.2fs %s", c.name(), config,
                    ours.sqnrDb(), official.sqnrDb(), 100 * ours.top1(), 100 * official.top1(), seconds,
                    meetsTarget() ? "ok" : "BELOW");
        }
    }

    public static final String HEADER = String.format(Locale.ROOT, "%-7s %-22s %9s %9s %9s %9s %8s",
            "model", "config", "SQNR dB", "official", "top-1", "official", "time");

    private final Path shared;
    private final int calibrationSamples;
    private final int evaluationSamples;

    public Yardstick(Path shared, int calibrationSamples, int evaluationSamples) {
        this.shared = shared;
        this.calibrationSamples = calibrationSamples;
        this.evaluationSamples = evaluationSamples;
    }

    /** Calibration and evaluation samples for a case: [0] calibration, [1] evaluation. */
    public SampleSource[] samples(Case c) throws IOException, EdgertException {
        Path official = shared.resolve("models/mlperf-tiny").resolve(c.officialFile());
        float[] range;
        int[] shape;
        try (Model m = Model.load(official)) {
            TensorInfo in = m.input(0);
            Quantization q = in.quantization();
            range = new float[] {q.scale() * (-128 - q.zeroPoint()), q.scale() * (127 - q.zeroPoint())};
            shape = in.shape();
        }
        if (!c.vision()) {
            int n = 1;
            for (int d : shape) {
                n *= d;
            }
            return new SampleSource[] {new RandomSamples(calibrationSamples, n, range[0], range[1], 11, false),
                    new RandomSamples(evaluationSamples, n, range[0], range[1], 97, false)};
        }
        float std = 255f / (range[1] - range[0]);
        ImagePreprocessing prep = new ImagePreprocessing(new float[] {-range[0] * std}, new float[] {std}, false);
        List<String> names = List.of("bird.bmp", "cat.bmp", "grace_hopper.bmp", "mnist_nine.bmp");
        List<RgbImage> imgs = new ArrayList<>();
        for (String n : names) {
            imgs.add(Images.read(shared.resolve("images").resolve(n)));
        }
        return new SampleSource[] {
                new ImageSamples(imgs, names, calibrationSamples, shape, prep, 5, true),
                new ImageSamples(imgs, names, evaluationSamples, shape, prep, 6, false)};
    }

    public Row run(Case c, QuantizerOptions options, String config) throws IOException, EdgertException {
        SampleSource[] s = samples(c);
        Path dir = shared.resolve("models/mlperf-tiny");
        byte[] floatModel = Files.readAllBytes(dir.resolve(c.floatFile()));
        byte[] official = Files.readAllBytes(dir.resolve(c.officialFile()));
        long t0 = System.nanoTime();
        ModelQuantizer.Result r = new ModelQuantizer(options).quantize(floatModel, s[0], null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        OutputAgreement ours = OutputAgreement.measure(floatModel, r.model(), s[1], options.backend());
        OutputAgreement theirs = OutputAgreement.measure(floatModel, official, s[1], options.backend());
        return new Row(c, config, ours, theirs, seconds);
    }

    public static void main(String[] args) throws Exception {
        Path shared = Path.of(args.length > 0 ? args[0] : "../shared");
        int cal = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int eval = args.length > 2 ? Integer.parseInt(args[2]) : 100;
        Yardstick y = new Yardstick(shared, cal, eval);
        System.out.println(HEADER);
        for (Case c : CASES) {
            for (CalibrationMethod m : CalibrationMethod.values()) {
                for (boolean cle : new boolean[] {false, true}) {
                    for (BiasCorrection bc : BiasCorrection.values()) {
                        QuantizerOptions o = QuantizerOptions.defaults().withMethod(m).withBiasCorrection(bc)
                                .withCrossLayerEqualization(cle);
                        System.out.println(y.run(c, o, label(o)).format());
                    }
                }
            }
        }
    }
}
