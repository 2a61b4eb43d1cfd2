package io.edgert.quant.graph;

/** int32 bias values: {@code round(b / scale)} saturated, rounding half away from zero as TFLite does. */
public final class BiasMath {
    private BiasMath() {
    }

    public static int toInt32(double value, double scale) {
        double q = value / scale;
        double r = Math.signum(q) * Math.floor(Math.abs(q) + 0.5);
        return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, r));
    }
}
