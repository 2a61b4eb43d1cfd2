package io.edgert.bench;

import java.util.Arrays;

/** Order statistics of a set of latencies in nanoseconds. */
public record LatencyStats(int runs, long minNs, long medianNs, long p90Ns, long p99Ns, long maxNs) {
    public static LatencyStats of(long[] samplesNs) {
        if (samplesNs.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] s = samplesNs.clone();
        Arrays.sort(s);
        return new LatencyStats(s.length, s[0], percentile(s, 50), percentile(s, 90), percentile(s, 99), s[s.length - 1]);
    }

    /** Nearest-rank percentile of sorted samples; the median of an even count is the mean of the middle two. */
    static long percentile(long[] sorted, double p) {
        if (p == 50 && sorted.length % 2 == 0) {
            return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Inferences per second at the median latency. */
    public double throughputPerSecond() {
        return medianNs == 0 ? 0 : 1e9 / medianNs;
    }

    public static double ms(long ns) {
        return ns / 1e6;
    }
}
