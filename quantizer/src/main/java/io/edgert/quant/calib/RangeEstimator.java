package io.edgert.quant.calib;

/**
 * Chooses an activation's quantization range [low, high] (always containing 0) from its statistics.
 * The histogram methods search clipping ranges {@code [a*min, a*max]} for a shrink factor a in (0, 1]: one factor for
 * both sides keeps the search 1-D and keeps the zero point where minmax puts it, which matters little since most
 * activations follow a ReLU (min = 0).
 */
public final class RangeEstimator {
    private static final int LEVELS = 255;

    private RangeEstimator() {
    }

    public static float[] range(TensorStats s, CalibrationMethod method, double percentile) {
        float lo = Math.min(0f, s.min());
        float hi = Math.max(0f, s.max());
        if (method == CalibrationMethod.MINMAX || !s.hasHistogram() || !(hi > lo)) {
            return new float[] {lo, hi};
        }
        return switch (method) {
            case PERCENTILE -> percentile(s, percentile);
            case MSE -> scaled(s, bestMse(s));
            case KL -> scaled(s, bestKl(s));
            default -> throw new IllegalStateException();
        };
    }

    private static float[] scaled(TensorStats s, double a) {
        return new float[] {(float) (s.histMin() * a), (float) (s.histMax() * a)};
    }

    static float[] percentile(TensorStats s, double p) {
        long[] h = s.bins();
        long total = 0;
        for (long c : h) {
            total += c;
        }
        double tail = total * (1 - p / 100.0);
        double w = (s.histMax() - s.histMin()) / h.length;
        int loBin = 0;
        long acc = 0;
        while (loBin < h.length - 1 && acc + h[loBin] <= tail) {
            acc += h[loBin++];
        }
        int hiBin = h.length - 1;
        acc = 0;
        while (hiBin > 0 && acc + h[hiBin] <= tail) {
            acc += h[hiBin--];
        }
        float lo = (float) (s.histMin() + loBin * w);
        float hi = (float) (s.histMin() + (hiBin + 1) * w);
        return new float[] {Math.min(0f, lo), Math.max(0f, hi)};
    }

    /** Shrink factors tried: fine near 1, where the answer usually is. */
    private static double[] candidates() {
        double[] a = new double[200];
        for (int i = 0; i < a.length; i++) {
            a[i] = 1.0 - i * 0.0045; // 1.0 down to ~0.10
        }
        return a;
    }

    /** The factor minimizing expected squared error: rounding error step^2/12 inside, squared clip distance outside. */
    static double bestMse(TensorStats s) {
        long[] h = s.bins();
        double lo0 = s.histMin();
        double w = (s.histMax() - lo0) / h.length;
        double best = 1;
        double bestErr = Double.POSITIVE_INFINITY;
        for (double a : candidates()) {
            double lo = s.histMin() * a;
            double hi = s.histMax() * a;
            double step = (hi - lo) / LEVELS;
            double err = 0;
            for (int b = 0; b < h.length; b++) {
                if (h[b] == 0) {
                    continue;
                }
                double x = lo0 + (b + 0.5) * w;
                if (x < lo) {
                    err += h[b] * (lo - x) * (lo - x);
                } else if (x > hi) {
                    err += h[b] * (x - hi) * (x - hi);
                } else {
                    err += h[b] * step * step / 12;
                }
            }
            if (err < bestErr) {
                bestErr = err;
                best = a;
            }
        }
        return best;
    }

    /**
     * TensorRT's entropy calibration, two-sided: for each candidate range, P is the histogram inside it with the
     * clipped mass folded into the edge bins, Q is P merged into 255 quantization levels and spread back evenly over
     * each level's non-empty bins; the range with the least KL(P || Q) wins.
     */
    static double bestKl(TensorStats s) {
        long[] h = s.bins();
        double lo0 = s.histMin();
        double w = (s.histMax() - lo0) / h.length;
        int zeroBin = (int) Math.round(-lo0 / w);
        double best = 1;
        double bestKl = Double.POSITIVE_INFINITY;
        for (double a : candidates()) {
            int first = (int) Math.floor(zeroBin - zeroBin * a);
            int last = (int) Math.ceil(zeroBin + (h.length - zeroBin) * a); // exclusive
            first = Math.max(0, first);
            last = Math.min(h.length, last);
            int n = last - first;
            if (n < LEVELS) {
                break;
            }
            double[] p = new double[n];
            for (int b = 0; b < n; b++) {
                p[b] = h[first + b];
            }
            for (int b = 0; b < first; b++) {
                p[0] += h[b];
            }
            for (int b = last; b < h.length; b++) {
                p[n - 1] += h[b];
            }
            double kl = divergence(p, h, first, n, zeroBin - first);
            if (kl < bestKl) {
                bestKl = kl;
                best = a;
            }
        }
        return best;
    }

    private static double divergence(double[] p, long[] h, int first, int n, int zero) {
        double[] q = new double[n];
        for (int level = 0; level < LEVELS; level++) {
            int start = (int) ((long) level * n / LEVELS);
            int end = (int) ((long) (level + 1) * n / LEVELS);
            double sum = 0;
            int nonEmpty = 0;
            for (int b = start; b < end; b++) {
                if (b == zero) {
                    // Zero is exact in int8 (it is the zero point): the spike of exact zeros after a ReLU is not
                    // smeared over its level, which would otherwise dominate the divergence and favour tiny ranges.
                    continue;
                }
                // Q sees the unclipped counts inside the range, as TensorRT does, so clipping shows up as a mismatch.
                double v = h[first + b];
                sum += v;
                if (v != 0) {
                    nonEmpty++;
                }
            }
            for (int b = start; b < end; b++) {
                q[b] = b == zero ? h[first + b] : h[first + b] != 0 ? sum / nonEmpty : 0;
            }
        }
        double ps = 0;
        double qs = 0;
        for (int b = 0; b < n; b++) {
            ps += p[b];
            qs += q[b];
        }
        if (ps == 0 || qs == 0) {
            return Double.POSITIVE_INFINITY;
        }
        double kl = 0;
        for (int b = 0; b < n; b++) {
            if (p[b] == 0) {
                continue;
            }
            double pp = p[b] / ps;
            double qq = q[b] / qs;
            if (qq == 0) {
                // P has mass where Q has none (outliers folded into an empty edge bin). scipy.stats.entropy would say
                // infinity, which rules out every clip when one far outlier leaves all candidate edges empty; a
                // large finite penalty (like TensorRT's smoothing) still lets the bulk win.
                kl += pp * 20;
            } else {
                kl += pp * Math.log(pp / qq);
            }
        }
        return kl;
    }
}
