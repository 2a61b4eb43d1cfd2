package io.edgert.runtime;

/** Scalar affine quantization with TFLite's rounding, shared by tensors, the CLI and the quantizer. */
public final class Quantizer {
    private Quantizer() {
    }

    /** {@code clamp(round_half_away(x / scale) + zp)} in the range of {@code type} (int8, uint8, int16, int32). */
    public static long quantize(float x, float scale, long zp, DataType type) {
        float scaled = x / scale; // in float, as TFLite's reference Quantize divides
        double r = roundHalfAway(scaled);
        long v = (long) Math.max(Math.min(r, 9.0e18), -9.0e18) + zp;
        return clamp(v, type);
    }

    /** TFLite's {@code TfLiteRound}: to nearest, halves away from zero (unlike {@link Math#round}). */
    public static double roundHalfAway(double x) {
        return Math.signum(x) * Math.floor(Math.abs(x) + 0.5);
    }

    public static long clamp(long v, DataType type) {
        return switch (type) {
            case INT8 -> Math.max(-128, Math.min(127, v));
            case UINT8 -> Math.max(0, Math.min(255, v));
            case INT16 -> Math.max(Short.MIN_VALUE, Math.min(Short.MAX_VALUE, v));
            case INT32 -> Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
            default -> throw new IllegalArgumentException("cannot quantize to " + type.label());
        };
    }

    public static float dequantize(long q, float scale, long zp) {
        return scale * (q - zp);
    }
}
