package io.edgert.runtime;

import java.util.Arrays;

/**
 * Affine quantization parameters of a tensor: {@code real = scale * (q - zeroPoint)}.
 * Per-tensor when there is one scale; per-channel (per-axis) along {@link #quantizedDimension()} otherwise.
 */
public final class Quantization {
    /** No quantization (float tensors, or integer tensors that are not quantized). */
    public static final Quantization NONE = new Quantization(new float[0], new long[0], 0);

    private final float[] scales;
    private final long[] zeroPoints;
    private final int quantizedDimension;

    public Quantization(float[] scales, long[] zeroPoints, int quantizedDimension) {
        if (scales.length != zeroPoints.length && zeroPoints.length != 1) {
            throw new IllegalArgumentException("expected " + scales.length + " zero points (or 1), got " + zeroPoints.length);
        }
        this.scales = scales.clone();
        this.zeroPoints = zeroPoints.clone();
        this.quantizedDimension = quantizedDimension;
    }

    public static Quantization perTensor(float scale, long zeroPoint) {
        return new Quantization(new float[] {scale}, new long[] {zeroPoint}, 0);
    }

    public static Quantization perChannel(float[] scales, long[] zeroPoints, int axis) {
        return new Quantization(scales, zeroPoints, axis);
    }

    public boolean isQuantized() {
        return scales.length > 0;
    }

    public boolean isPerTensor() {
        return scales.length == 1;
    }

    public boolean isPerChannel() {
        return scales.length > 1;
    }

    /** The scale of a per-tensor quantization; throws if per-channel or none. */
    public float scale() {
        requirePerTensor();
        return scales[0];
    }

    /** The zero point of a per-tensor quantization; throws if per-channel or none. */
    public long zeroPoint() {
        requirePerTensor();
        return zeroPoints[0];
    }

    public float[] scales() {
        return scales.clone();
    }

    public long[] zeroPoints() {
        return zeroPoints.clone();
    }

    public int channelCount() {
        return scales.length;
    }

    public float scale(int channel) {
        return scales[channel];
    }

    public long zeroPoint(int channel) {
        return zeroPoints.length == 1 ? zeroPoints[0] : zeroPoints[channel];
    }

    public int quantizedDimension() {
        return quantizedDimension;
    }

    private void requirePerTensor() {
        if (scales.length != 1) {
            throw new IllegalStateException(scales.length == 0
                    ? "tensor is not quantized"
                    : "tensor is quantized per channel (" + scales.length + " scales along axis " + quantizedDimension + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Quantization q && Arrays.equals(scales, q.scales)
                && Arrays.equals(zeroPoints, q.zeroPoints) && (isPerTensor() || quantizedDimension == q.quantizedDimension);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(scales) * 31 + Arrays.hashCode(zeroPoints);
    }

    @Override
    public String toString() {
        if (!isQuantized()) {
            return "none";
        }
        if (isPerTensor()) {
            return "scale=" + scales[0] + " zp=" + zeroPoints[0];
        }
        return "per-channel(axis=" + quantizedDimension + ", " + scales.length + " scales)";
    }
}
