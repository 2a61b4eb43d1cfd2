package io.edgert.quant.graph;

/** Rounding as TFLite's quantizer does it (half away from zero), and int32 bias values. */
public final class BiasMath {
    private BiasMath() {
    }

    public static long roundHalfAway(double x) {
        return (long) (Math.signum(x) * Math.floor(Math.abs(x) + 0.5));
    }

    /** {@code round(value / scale)} saturated to int32. */
    public static int toInt32(double value, double scale) {
        double q = value / scale;
        double r = Math.signum(q) * Math.floor(Math.abs(q) + 0.5);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r));
    }
}
