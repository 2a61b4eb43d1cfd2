package io.edgert.runtime.parity;

import io.edgert.runtime.DataType;
import io.edgert.runtime.Quantization;

import java.util.Random;

/** Random but plausible quantization parameters and data for generated single-op models. */
final class RandomQuant {
    private final Random r;

    RandomQuant(Random r) {
        this.r = r;
    }

    /**
     * Consecutive seeds give java.util.Random nearly identical first draws (every case would pick the same dtype);
     * SplittableRandom's mixing spreads them.
     */
    static RandomQuant seeded(long seed) {
        return new RandomQuant(new Random(new java.util.SplittableRandom(seed).nextLong()));
    }

    Random random() {
        return r;
    }

    int between(int lo, int hiInclusive) {
        return lo + r.nextInt(hiInclusive - lo + 1);
    }

    boolean chance(double p) {
        return r.nextDouble() < p;
    }

    float logUniform(double lo, double hi) {
        return (float) Math.exp(Math.log(lo) + r.nextDouble() * (Math.log(hi) - Math.log(lo)));
    }

    /** Activation params: scale in [0.002, 0.2], zero point anywhere in the type's range (extremes included). */
    Quantization activation(DataType t) {
        return Quantization.perTensor(logUniform(0.002, 0.2), zeroPoint(t));
    }

    long zeroPoint(DataType t) {
        int lo = t == DataType.INT8 ? -128 : 0;
        double p = r.nextDouble();
        if (p < 0.1) {
            return lo;
        }
        if (p < 0.2) {
            return lo + 255;
        }
        return lo + r.nextInt(256);
    }

    /** Weights data of a quantized type: symmetric [-127, 127] for int8, full [0, 255] for uint8. */
    byte[] weights(DataType t, int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (t == DataType.INT8 ? r.nextInt(255) - 127 : r.nextInt(256));
        }
        return b;
    }

    /** Scale for an output whose real values have roughly {@code std} spread. */
    float outputScaleFor(double std) {
        return (float) (std * (1 + 5 * r.nextDouble()) / 128.0);
    }

    int[] biases(int n, int magnitude) {
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            b[i] = r.nextInt(2 * magnitude + 1) - magnitude;
        }
        return b;
    }

    DataType quantizedType() {
        return r.nextBoolean() ? DataType.INT8 : DataType.UINT8;
    }
}
