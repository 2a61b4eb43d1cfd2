package io.edgert.quant;

import io.edgert.quant.calib.CalibrationMethod;
import io.edgert.quant.graph.PruneSpec;

/**
 * Options of {@link ModelQuantizer}, immutable; each {@code withX} returns a copy.
 * Defaults: minmax calibration, percentile 99.99, int8 inputs and outputs, per-channel FULLY_CONNECTED weights,
 * no pruning, no cross-layer equalization, no bias correction, unsupported ops left float with a warning.
 */
public record QuantizerOptions(CalibrationMethod method, double percentile, IoType io, boolean perTensorFc,
                               PruneSpec prune, boolean crossLayerEqualization, BiasCorrection biasCorrection, boolean strict,
                               String backend, boolean progress) {
    public QuantizerOptions {
        if (!(percentile > 50 && percentile <= 100)) {
            throw new IllegalArgumentException("expected a percentile in (50, 100], got " + percentile);
        }
        if (!backend.equals("tflite") && !backend.equals("tflite-ref")) {
            throw new IllegalArgumentException("expected calibration backend tflite or tflite-ref, got " + backend);
        }
    }

    public static QuantizerOptions defaults() {
        return new QuantizerOptions(CalibrationMethod.MINMAX, 99.99, IoType.INT8, false, null, false,
                BiasCorrection.NONE, false, "tflite", false);
    }

    public QuantizerOptions withMethod(CalibrationMethod m) {
        return new QuantizerOptions(m, percentile, io, perTensorFc, prune, crossLayerEqualization, biasCorrection, strict, backend, progress);
    }

    public QuantizerOptions withPercentile(double p) {
        return new QuantizerOptions(method, p, io, perTensorFc, prune, crossLayerEqualization, biasCorrection, strict, backend, progress);
    }

    public QuantizerOptions withIo(IoType t) {
        return new QuantizerOptions(method, percentile, t, perTensorFc, prune, crossLayerEqualization, biasCorrection, strict, backend, progress);
    }

    public QuantizerOptions withPerTensorFc(boolean b) {
        return new QuantizerOptions(method, percentile, io, b, prune, crossLayerEqualization, biasCorrection, strict, backend, progress);
    }

    /** Null for no pruning. */
    public QuantizerOptions withPrune(PruneSpec p) {
        return new QuantizerOptions(method, percentile, io, perTensorFc, p, crossLayerEqualization, biasCorrection, strict, backend, progress);
    }

    public QuantizerOptions withCrossLayerEqualization(boolean b) {
        return new QuantizerOptions(method, percentile, io, perTensorFc, prune, b, biasCorrection, strict, backend, progress);
    }

    public QuantizerOptions withBiasCorrection(BiasCorrection b) {
        return new QuantizerOptions(method, percentile, io, perTensorFc, prune, crossLayerEqualization, b, strict, backend, progress);
    }

    /** True: {@link BiasCorrection#ANALYTIC}. */
    public QuantizerOptions withBiasCorrection(boolean b) {
        return withBiasCorrection(b ? BiasCorrection.ANALYTIC : BiasCorrection.NONE);
    }

    public QuantizerOptions withStrict(boolean b) {
        return new QuantizerOptions(method, percentile, io, perTensorFc, prune, crossLayerEqualization, biasCorrection, b, backend, progress);
    }

    /** The TFLite backend that runs the float model during calibration and evaluation. */
    public QuantizerOptions withBackend(String b) {
        return new QuantizerOptions(method, percentile, io, perTensorFc, prune, crossLayerEqualization, biasCorrection, strict, b, progress);
    }

    /** Forces the progress bar on stderr (it is shown anyway when a console is attached). */
    public QuantizerOptions withProgress(boolean b) {
        return new QuantizerOptions(method, percentile, io, perTensorFc, prune, crossLayerEqualization, biasCorrection, strict, backend, b);
    }
}
