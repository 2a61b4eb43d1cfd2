package io.edgert.quant.graph;

/** Per-tensor asymmetric int8 parameters of an activation: {@code real = scale * (q - zeroPoint)}. */
public record ActivationParams(float scale, int zeroPoint) {
    public static final ActivationParams UNIT = new ActivationParams(1f / 256, -128);
    public static final ActivationParams TANH = new ActivationParams(1f / 128, 0);

    public record Quantized(ActivationParams params, byte[] values) {
    }

    /**
     * Parameters covering [lo, hi] widened to contain 0 (so zero, e.g. padding, is exact), with the zero point
     * rounded to an integer in [-128, 127] as TFLite's converter nudges it.
     */
    public static ActivationParams fromRange(float lo, float hi) {
        double l = Math.min(0, lo);
        double h = Math.max(0, hi);
        if (!(h - l > 0) || !Double.isFinite(h - l)) {
            // A constant-zero tensor: any scale represents it; a small one keeps downstream multipliers sane.
            return new ActivationParams(1f / 256, -128);
        }
        double scale = (h - l) / 255.0;
        long zp = Math.round(-128 - l / scale);
        zp = Math.max(-128, Math.min(127, zp));
        return new ActivationParams((float) scale, (int) zp);
    }

    public int quantize(float x) {
        long q = BiasMath.roundHalfAway(x / (double) scale) + zeroPoint;
        return (int) Math.max(-128, Math.min(127, q));
    }

    public float low() {
        return scale * (-128 - zeroPoint);
    }

    public float high() {
        return scale * (127 - zeroPoint);
    }
}
