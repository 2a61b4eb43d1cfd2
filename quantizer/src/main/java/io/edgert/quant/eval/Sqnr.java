package io.edgert.quant.eval;

/**
 * Signal-to-quantization-noise ratio accumulated over samples: {@code 10 log10(sum f^2 / sum (f - q)^2)} in dB,
 * where f is the float reference and q the dequantized int8 value.
 */
public final class Sqnr {
    private double signal;
    private double noise;

    public void add(float[] reference, float[] test) {
        if (reference.length != test.length) {
            throw new IllegalArgumentException("expected " + reference.length + " values, got " + test.length);
        }
        for (int i = 0; i < reference.length; i++) {
            double f = reference[i];
            double d = f - test[i];
            signal += f * f;
            noise += d * d;
        }
    }

    /** In dB; +Infinity when exact, -Infinity when the reference is all zero but the test is not. */
    public double db() {
        if (noise == 0) {
            return Double.POSITIVE_INFINITY;
        }
        return 10 * Math.log10(signal / noise);
    }

    public static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
