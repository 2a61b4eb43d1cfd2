package io.edgert.cli;

import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;

/** Latency statistics per backend and their table: median, min and 90th percentile in milliseconds. */
final class LatencyTable {
    /** One backend's result: sorted run times in nanoseconds, or why it did not run. */
    record Row(String backend, long[] sortedNanos, String failure) {
        static Row measured(String backend, long[] nanos) {
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            return new Row(backend, sorted, null);
        }

        static Row failed(String backend, String reason) {
            return new Row(backend, new long[0], reason);
        }

        boolean ok() {
            return failure == null;
        }

        long min() {
            return sortedNanos[0];
        }

        /** The middle value; the mean of the two middle ones for an even count. */
        long median() {
            int n = sortedNanos.length;
            return n % 2 == 1 ? sortedNanos[n / 2] : (sortedNanos[n / 2 - 1] + sortedNanos[n / 2]) / 2;
        }

        /** Nearest-rank 90th percentile: the smallest time that at least 90 % of runs did not exceed. */
        long p90() {
            int rank = (int) Math.ceil(0.9 * sortedNanos.length);
            return sortedNanos[Math.max(0, rank - 1)];
        }
    }

    private final List<Row> rows;

    LatencyTable(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    List<Row> rows() {
        return rows;
    }

    void print(PrintWriter out) {
        int width = Math.max("backend".length(), rows.stream().mapToInt(r -> r.backend().length()).max().orElse(0));
        String fmt = "%-" + width + "s  %10s  %10s  %10s  %5s%n";
        out.printf(fmt, "backend", "median ms", "min ms", "p90 ms", "runs");
        for (Row r : rows) {
            if (r.ok()) {
                out.printf(fmt, r.backend(), Formats.millis(r.median()), Formats.millis(r.min()),
                        Formats.millis(r.p90()), r.sortedNanos().length);
            } else {
                out.printf("%-" + width + "s  unavailable: %s%n", r.backend(), r.failure());
            }
        }
        out.flush();
    }
}
