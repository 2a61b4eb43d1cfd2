package io.edgert.quant;

import io.edgert.runtime.model.ModelWriter;
import io.edgert.quant.calib.Calibrator;
import io.edgert.quant.calib.CalibrationMethod;
import io.edgert.quant.calib.RangeEstimator;
import io.edgert.quant.calib.TensorStats;
import io.edgert.quant.data.SampleSource;
import io.edgert.quant.eval.LayerSqnr;
import io.edgert.quant.eval.OutputAgreement;
import io.edgert.quant.graph.BiasCorrector;
import io.edgert.quant.graph.CrossLayerEqualizer;
import io.edgert.quant.graph.EmpiricalBiasCorrector;
import io.edgert.quant.graph.HybridWeights;
import io.edgert.quant.graph.Int8Rewriter;
import io.edgert.quant.graph.Pruner;
import io.edgert.quant.graph.WeightedLayer;
import io.edgert.quant.report.QuantReport;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.TensorLayout;
import io.edgert.quant.graph.ModelBytes;
import io.edgert.runtime.model.TensorInfo;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.TensorT;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Post-training quantization of a float32 {@code .tflite} to a fully int8 one (TFLite int8 spec):
 * optional pruning and cross-layer equalization on the float weights, calibration of every activation in
 * TensorFlow Lite, the int8 rewrite, optional bias correction, then evaluation against the float model.
 */
public final class ModelQuantizer {
    private static final System.Logger LOG = System.getLogger(ModelQuantizer.class.getName());

    private final QuantizerOptions options;

    public record Result(byte[] model, QuantReport report) {
    }

    public ModelQuantizer(QuantizerOptions options) {
        this.options = options;
    }

    /**
     * Quantizes {@code floatModel}.
     *
     * @param calibration samples to calibrate on
     * @param evaluation  held-out samples for the report's SQNR and top-1 agreement, or null to skip evaluation
     */
    public Result quantize(byte[] floatModel, SampleSource calibration, SampleSource evaluation)
            throws EdgertException {
        long start = System.nanoTime();
        List<String> warnings = new ArrayList<>();
        int inputElements;
        try (Model source = Model.load(floatModel)) {
            if (source.subgraphCount() != 1 || source.inputCount() != 1) {
                throw new QuantizationException("expected a model with one subgraph and one input, got "
                        + source.subgraphCount() + " subgraphs and " + source.inputCount() + " inputs");
            }
            TensorInfo in = source.input(0);
            if (in.dataType() != io.edgert.runtime.DataType.FLOAT32) {
                throw new QuantizationException("expected a float32 model, but input '" + in.name() + "' is "
                        + in.dataType().label() + ": the model is already quantized or not a float model");
            }
            inputElements = (int) TensorLayout.elementCount(in.shape());
        }
        checkSamples(calibration, inputElements, "calibration");
        if (evaluation != null) {
            checkSamples(evaluation, inputElements, "evaluation");
        }
        if (calibration.generated()) {
            String w = "calibrating on GENERATED data (" + calibration.describe() + "): activation ranges may not match "
                    + "real inputs; pass real calibration data for a usable model";
            warnings.add(w);
            LOG.log(System.Logger.Level.WARNING, w);
        }

        ModelT m = ModelBytes.read(floatModel);
        List<String> hybrid = HybridWeights.dequantize(m);
        if (!hybrid.isEmpty()) {
            warnings.add("hybrid model: " + hybrid.size() + " int8 weight tensors were dequantized to float and "
                    + "requantized");
        }
        Pruner.Report prune = options.prune() == null ? null : Pruner.prune(m, options.prune());
        List<String> pairs = new ArrayList<>();
        if (options.crossLayerEqualization()) {
            for (CrossLayerEqualizer.Pair p : CrossLayerEqualizer.equalize(m)) {
                pairs.add(p.name());
            }
            if (pairs.isEmpty()) {
                warnings.add("cross-layer equalization found no conv -> (ReLU) -> conv pairs (RELU6 and shared "
                        + "activations do not qualify)");
            }
        }
        byte[] transformedFloat = ModelWriter.write(m);
        int[] activations = Calibrator.opOutputs(m);
        String[] names = new String[activations.length];
        TensorT[] floatTensors = m.getSubgraphs()[0].getTensors();
        for (int i = 0; i < activations.length; i++) {
            names[i] = floatTensors[activations[i]].getName();
        }

        long calStart = System.nanoTime();
        boolean histograms = options.method() != CalibrationMethod.MINMAX;
        Map<Integer, TensorStats> stats = Calibrator.collect(transformedFloat, m, calibration, histograms,
                options.backend(), options.progress());
        long calMillis = (System.nanoTime() - calStart) / 1_000_000;
        Map<Integer, float[]> ranges = new HashMap<>();
        stats.forEach((t, s) -> ranges.put(t, RangeEstimator.range(s, options.method(), options.percentile())));

        Int8Rewriter.Result rw = new Int8Rewriter(m, ranges, options.perTensorFc(), options.io(), options.strict(),
                msg -> LOG.log(System.Logger.Level.WARNING, msg)).rewrite();
        int corrected = 0;
        if (options.biasCorrection() == BiasCorrection.EMPIRICAL) {
            corrected = EmpiricalBiasCorrector.correct(m, transformedFloat, rw.layers(),
                    calibration.slice(0, Math.min(32, calibration.size())), options.backend());
        } else if (options.biasCorrection() == BiasCorrection.ANALYTIC) {
            TensorT[] tensors = m.getSubgraphs()[0].getTensors();
            for (WeightedLayer l : rw.layers()) {
                TensorStats in = stats.get(l.inputTensor());
                if (in != null && !Double.isNaN(BiasCorrector.correct(m, tensors, l, in.channelMeans()))) {
                    corrected++;
                }
            }
        }
        byte[] out = ModelWriter.write(m);
        try (Model check = Model.load(out)) {
            warnings.addAll(check.warnings());
        }

        OutputAgreement agreement = null;
        List<LayerSqnr.Entry> layers = List.of();
        if (evaluation != null && evaluation.size() > 0) {
            agreement = OutputAgreement.measure(floatModel, out, evaluation, options.backend());
            layers = LayerSqnr.measure(transformedFloat, out, activations, names, evaluation, options.backend());
        }
        long total = (System.nanoTime() - start) / 1_000_000;
        QuantReport report = new QuantReport("model", describe(), floatModel.length, out.length, deflatedSize(floatModel),
                deflatedSize(out), calibration.describe(), calibration.size(), calibration.generated(), layers,
                agreement, rw.floatOps(), prune, pairs, corrected, warnings, calMillis, total);
        return new Result(out, report);
    }

    /**
     * Quantizes a file into another, atomically (written to a temporary file beside the output, then renamed), and
     * never over its input.
     */
    public Result quantize(Path in, Path out, SampleSource calibration, SampleSource evaluation)
            throws IOException, EdgertException {
        if (Files.exists(out) && Files.isSameFile(in, out)) {
            throw new IllegalArgumentException("expected an output path other than the input, got " + out);
        }
        byte[] bytes = Files.readAllBytes(in);
        Result r = quantize(bytes, calibration, evaluation);
        QuantReport rep = r.report().withSource(in.toString());
        writeAtomically(out, r.model());
        return new Result(r.model(), rep);
    }

    public static void writeAtomically(Path out, byte[] bytes) throws IOException {
        Path dir = out.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, out.getFileName().toString(), ".tmp");
        try {
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void checkSamples(SampleSource s, int elements, String what) throws QuantizationException {
        if (s.size() == 0) {
            throw new QuantizationException("expected at least one " + what + " sample, got none from " + s.describe());
        }
        int got = s.sample(0).length;
        if (got != elements) {
            throw new QuantizationException(what + " samples do not fit the model input: expected " + elements
                    + " values per sample, got " + got + " (" + s.describe() + ")");
        }
    }

    private String describe() {
        QuantizerOptions o = options;
        StringBuilder b = new StringBuilder("method=" + o.method().label());
        if (o.method() == CalibrationMethod.PERCENTILE) {
            b.append(" percentile=").append(o.percentile());
        }
        b.append(" io=").append(o.io().label()).append(o.perTensorFc() ? " fc=per-tensor" : " fc=per-channel");
        if (o.prune() != null) {
            b.append(" prune=").append(o.prune());
        }
        if (o.crossLayerEqualization()) {
            b.append(" cle");
        }
        if (o.biasCorrection() != BiasCorrection.NONE) {
            b.append(" bias-correction=").append(o.biasCorrection().label());
        }
        if (o.strict()) {
            b.append(" strict");
        }
        return b.toString();
    }

    static long deflatedSize(byte[] bytes) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DeflaterOutputStream d = new DeflaterOutputStream(bos, new Deflater(Deflater.BEST_COMPRESSION))) {
            d.write(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.size();
    }
}
