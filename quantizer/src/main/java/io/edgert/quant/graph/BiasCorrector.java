package io.edgert.quant.graph;

import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.TensorT;

/**
 * Bias correction (Nagel et al., "Data-Free Quantization", 2019, section 4.2, with empirical input means):
 * rounding weights shifts each output channel's mean by {@code E[(W_q - W) x] = (W_q - W) E[x]}; with the
 * per-channel input means from calibration, that shift is known and subtracted from the int32 bias.
 * Zero padding at image borders is ignored (it slightly changes E[x] there).
 */
public final class BiasCorrector {
    private BiasCorrector() {
    }

    /**
     * Corrects one layer's bias in place, given the per-channel means of its float input (last axis).
     * Returns the largest correction in output units, or NaN when the layer was skipped (no bias, shapes that
     * do not line up).
     */
    public static double correct(ModelT m, TensorT[] tensors, WeightedLayer l, double[] inputMeans) {
        if (l.biasTensor() < 0) {
            return Double.NaN;
        }
        int[] s = l.weightShape();
        int oc = l.outputChannels();
        double[] shift = new double[oc];
        float[] w = l.floatWeights();
        WeightQuantizer.Result q = l.quantized();
        boolean perChannel = q.scales().length > 1;
        switch (l.builtinCode()) {
            case BuiltinOperator.CONV_2D, BuiltinOperator.FULLY_CONNECTED -> {
                int in = s[s.length - 1];
                if (inputMeans.length != in) {
                    return Double.NaN;
                }
                for (int i = 0; i < w.length; i++) {
                    int o = i / (w.length / oc);
                    double dw = q.dequantize(i, perChannel ? o : 0) - w[i];
                    shift[o] += dw * inputMeans[i % in];
                }
            }
            case BuiltinOperator.DEPTHWISE_CONV_2D -> {
                int multiplier = inputMeans.length == 0 ? 0 : oc / inputMeans.length;
                if (multiplier == 0 || multiplier * inputMeans.length != oc) {
                    return Double.NaN;
                }
                for (int i = 0; i < w.length; i++) {
                    int o = i % oc;
                    double dw = q.dequantize(i, perChannel ? o : 0) - w[i];
                    shift[o] += dw * inputMeans[o / multiplier];
                }
            }
            default -> {
                return Double.NaN;
            }
        }
        TensorT bt = tensors[l.biasTensor()];
        int[] raw = m.getBuffers()[(int) bt.getBuffer()].getData();
        float[] scales = bt.getQuantization().getScale();
        int[] bias = new int[oc];
        double largest = 0;
        for (int o = 0; o < oc; o++) {
            int v = (raw[4 * o] & 0xff) | (raw[4 * o + 1] & 0xff) << 8 | (raw[4 * o + 2] & 0xff) << 16 | (raw[4 * o + 3] & 0xff) << 24;
            float sc = scales[scales.length == 1 ? 0 : o];
            long corrected = (long) v - BiasMath.toInt32(shift[o], sc);
            bias[o] = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, corrected));
            largest = Math.max(largest, Math.abs(shift[o]));
        }
        Buffers.set(m, bt, Buffers.ofInts(bias));
        return largest;
    }
}
