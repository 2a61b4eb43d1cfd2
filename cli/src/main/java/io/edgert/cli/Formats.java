package io.edgert.cli;

import java.util.Arrays;
import java.util.Locale;

/** Number and shape formatting shared by the commands. */
final class Formats {
    private Formats() {
    }

    static String shape(int[] shape) {
        return Arrays.toString(shape);
    }

    /** 1234567 -> "1.23 M"; used for MACs. */
    static String count(long n) {
        if (n < 1_000) {
            return Long.toString(n);
        }
        if (n < 1_000_000) {
            return String.format(Locale.ROOT, "%.2f K", n / 1e3);
        }
        if (n < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f M", n / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f G", n / 1e9);
    }

    static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
    }
}
