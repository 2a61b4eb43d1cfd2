package io.edgert.bench;

import java.io.PrintWriter;
import java.util.List;

/** Prints benchmark results as a table in milliseconds, with each backend's median against the first one's. */
public final class BenchTable {
    private BenchTable() {
    }

    public static void print(List<BenchResult> results, PrintWriter out) {
        int width = Math.max("backend".length(), results.stream().mapToInt(r -> r.backend().length()).max().orElse(0));
        String fmt = "%-" + width + "s  %10s  %10s  %10s  %10s  %6s  %8s%n";
        out.printf(fmt, "backend", "median ms", "min ms", "p90 ms", "p99 ms", "runs", "speedup");
        BenchResult first = results.stream().filter(BenchResult::ok).findFirst().orElse(null);
        for (BenchResult r : results) {
            if (!r.ok()) {
                out.printf("%-" + width + "s  unavailable: %s%n", r.backend(), r.error());
                continue;
            }
            LatencyStats s = r.stats();
            String ratio = first == null ? "" : String.format("%.2fx", (double) first.stats().medianNs() / s.medianNs());
            out.printf(fmt, r.backend(), ms(s.medianNs()), ms(s.minNs()), ms(s.p90Ns()), ms(s.p99Ns()), s.runs(), ratio);
        }
        out.flush();
    }

    static String ms(long ns) {
        double v = ns / 1e6;
        return v >= 100 ? String.format("%.1f", v) : v >= 1 ? String.format("%.3f", v) : String.format("%.4f", v);
    }
}
