package io.edgert.quant.graph;

import io.edgert.runtime.Quantizer;

/** Rounding as TFLite's quantizer does it (half away from zero, {@link Quantizer#roundHalfAway}), and int32 biases. */
public final class BiasMath {
    private BiasMath() {
    }

    public static long roundHalfAway(double x) {
        return (long) Quantizer.roundHalfAway(x);
    }

    /** {@code round(value / scale)} saturated to int32. */
    public static int toInt32(double value, double scale) {
        double r = Quantizer.roundHalfAway(value / scale);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r));
    }
}
