package io.edgert.quant.graph;

/**
 * Symmetric int8 weight quantization as the TFLite int8 spec fixes it: zero point 0, values in [-127, 127]
 * (never -128, so kernels can negate and pair products without overflow), one scale per channel along an axis
 * or one for the whole tensor.
 */
public final class WeightQuantizer {
    /** A channel of zeros (pruned away, say) still needs a positive scale; this one keeps its bias exact enough. */
    static final float ZERO_CHANNEL_SCALE = 1e-6f;
    /**
     * Floor of a channel's scale relative to the layer's largest: "dead" channels (weights around 1e-17 after a
     * folded batch norm with gamma near 0) would otherwise get requantization multipliers below 2^-32, which
     * XNNPACK refuses ("failed to create XNNPACK runtime"); their weights round to 0 instead, an error of ~1e-17.
     */
    static final float RELATIVE_SCALE_FLOOR = 1e-5f;

    private WeightQuantizer() {
    }

    public record Result(byte[] values, float[] scales) {
        public float dequantize(int i, int channel) {
            return values[i] * scales[channel];
        }
    }

    /** The channel of flat element {@code i} along {@code axis} of {@code shape}. */
    public static int channelOf(int i, int[] shape, int axis) {
        int inner = 1;
        for (int d = axis + 1; d < shape.length; d++) {
            inner *= shape[d];
        }
        return (i / inner) % shape[axis];
    }

    public static Result quantize(float[] w, int[] shape, int axis, boolean perChannel) {
        int channels = perChannel ? shape[axis] : 1;
        float[] absMax = new float[channels];
        int[] channel = new int[w.length];
        for (int i = 0; i < w.length; i++) {
            int c = perChannel ? channelOf(i, shape, axis) : 0;
            channel[i] = c;
            absMax[c] = Math.max(absMax[c], Math.abs(w[i]));
        }
        float largest = 0;
        for (float a : absMax) {
            largest = Math.max(largest, a);
        }
        float floor = largest > 0 ? largest / 127f * RELATIVE_SCALE_FLOOR : ZERO_CHANNEL_SCALE;
        float[] scales = new float[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = absMax[c] > 0 ? Math.max(absMax[c] / 127f, floor) : floor;
        }
        byte[] q = new byte[w.length];
        for (int i = 0; i < w.length; i++) {
            long v = BiasMath.roundHalfAway(w[i] / scales[channel[i]]);
            q[i] = (byte) Math.max(-127, Math.min(127, v));
        }
        return new Result(q, scales);
    }

    /** Per-tensor asymmetric int8 for float constants used as activations (an ADD or MUL operand). */
    public static ActivationParams.Quantized quantizeAsymmetric(float[] v) {
        float lo = 0;
        float hi = 0;
        for (float x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        ActivationParams p = ActivationParams.fromRange(lo, hi);
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            q[i] = (byte) p.quantize(v[i]);
        }
        return new ActivationParams.Quantized(p, q);
    }
}
