package io.edgert.runtime.model;

/**
 * TFLite's integer requantization, written out plainly as the test oracle for generated int8 models.
 * {@link #quantizeMultiplier} and {@link #multiplyByQuantizedMultiplier} follow tensorflow/lite/kernels/internal/
 * quantization_util.cc and common.h (gemmlowp double rounding, the builtin kernels' default build);
 * {@link #requantizeFp32} follows XNNPACK's fp32 requantization (float product, round to nearest even).
 */
final class TfliteRequant {
    private TfliteRequant() {
    }

    /** {@code {multiplier, shift}} with real = multiplier x 2^(shift - 31), multiplier in [2^30, 2^31). */
    static int[] quantizeMultiplier(double real) {
        if (real == 0) {
            return new int[] {0, 0};
        }
        int shift = Math.getExponent(real) + 1; // frexp: real = q x 2^shift, q in [0.5, 1)
        double q = real / Math.pow(2, shift);
        long qFixed = Math.round(q * (1L << 31));
        if (qFixed == (1L << 31)) {
            qFixed /= 2;
            shift++;
        }
        if (shift < -31) {
            return new int[] {0, 0};
        }
        return new int[] {(int) qFixed, shift};
    }

    static int saturatingRoundingDoublingHighMul(int a, int b) {
        if (a == Integer.MIN_VALUE && b == Integer.MIN_VALUE) {
            return Integer.MAX_VALUE;
        }
        long ab = (long) a * b;
        long nudge = ab >= 0 ? (1L << 30) : (1 - (1L << 30));
        return (int) ((ab + nudge) / (1L << 31)); // C++ int64 division truncates toward zero, as Java's does
    }

    static int roundingDivideByPot(int x, int exponent) {
        int mask = (1 << exponent) - 1;
        int remainder = x & mask;
        int threshold = (mask >> 1) + (x < 0 ? 1 : 0);
        return (x >> exponent) + (remainder > threshold ? 1 : 0);
    }

    static int multiplyByQuantizedMultiplier(int x, int multiplier, int shift) {
        int left = shift > 0 ? shift : 0;
        int right = shift > 0 ? 0 : -shift;
        return roundingDivideByPot(saturatingRoundingDoublingHighMul(x * (1 << left), multiplier), right);
    }

    /** gemmlowp mode: {@code clamp(MBQM(acc) + zp)}. */
    static int requantizeGemmlowp(int acc, double realScale, int zeroPoint, int min, int max) {
        int[] m = quantizeMultiplier(realScale);
        int v = multiplyByQuantizedMultiplier(acc, m[0], m[1]) + zeroPoint;
        return Math.max(min, Math.min(max, v));
    }

    /** fp32 mode: {@code clamp(rint(acc x scale) + zp)} with the scale as a float. */
    static int requantizeFp32(int acc, float scale, int zeroPoint, int min, int max) {
        float v = (float) acc * scale;
        float lo = min - zeroPoint;
        float hi = max - zeroPoint;
        v = Math.max(lo, Math.min(hi, v));
        return (int) Math.rint(v) + zeroPoint;
    }
}
