package io.edgert.cuda.plan;

import io.edgert.runtime.Quantizer;

/**
 * The prepare-time arithmetic of the native plan (native/src/main/cpp/plan/prepare.cc, ref/quant.h) in Java, for the
 * parameter blocks of the CUDA kernels: TFLite's frexp-based multiplier and the activation range. Every expression
 * keeps the float / double types of the C++ it mirrors, because the multiplier of a float quotient and of a double
 * quotient can differ in the last bit. The emulator tests compare whole models against the native backend.
 */
final class QuantMath {
    private QuantMath() {
    }

    /** tflite::QuantizeMultiplier: {multiplier, shift}. */
    static int[] quantizeMultiplier(double real, boolean singleRounding) {
        if (real == 0.0) {
            return new int[] {0, 0};
        }
        // frexp: real = q * 2^shift with q in [0.5, 1) (the scales here are normal, positive numbers)
        int shift = Math.getExponent(real) + 1;
        double q = real / Math.scalb(1.0, shift);
        long qFixed = (long) Quantizer.roundHalfAway(q * (double) (1L << 31));
        if (qFixed == (1L << 31)) {
            qFixed /= 2;
            shift++;
        }
        if (shift < -31) {
            shift = 0;
            qFixed = 0;
        }
        if (singleRounding && shift > 30) {
            shift = 30;
            qFixed = (1L << 31) - 1;
        }
        return new int[] {(int) qFixed, shift};
    }

    /** TFLite CalculateActivationRangeQuantized: {min, max}; activation codes as ActivationFunctionType. */
    static int[] activationRange(int activation, boolean uint8, float scale, int zp) {
        int qmin = uint8 ? 0 : -128;
        int qmax = uint8 ? 255 : 127;
        return switch (activation) {
            case 0 -> new int[] {qmin, qmax};
            case 1 -> new int[] {Math.max(qmin, quantize(0f, scale, zp)), qmax};
            case 3 -> new int[] {Math.max(qmin, quantize(0f, scale, zp)), Math.min(qmax, quantize(6f, scale, zp))};
            case 2 -> new int[] {Math.max(qmin, quantize(-1f, scale, zp)), Math.min(qmax, quantize(1f, scale, zp))};
            default -> throw new IllegalArgumentException("unsupported fused activation " + activation);
        };
    }

    private static int quantize(float f, float scale, int zp) {
        float q = f / scale;
        return zp + (int) Quantizer.roundHalfAway(q);
    }

    /** floor(log2(n)) for n > 0: {@code 63 - __builtin_clzll(n)}. */
    static int log2Floor(long n) {
        return 63 - Long.numberOfLeadingZeros(n);
    }
}
