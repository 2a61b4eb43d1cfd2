package io.edgert.cli;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Times one model on several backends: warm-up runs per backend, then {@code runs} rounds that each run every
 * backend once. Interleaving puts the backends under the same machine conditions (frequency scaling, a neighbour's
 * load) instead of giving the last one the hot or the throttled end of the measurement.
 */
final class LatencyRunner {
    private final int threads;
    private final int warmup;
    private final int runs;
    private final long seed;

    LatencyRunner(int threads, int warmup, int runs, long seed) {
        if (warmup < 0 || runs < 1) {
            throw CliException.badInput("expected warm-up >= 0 and runs >= 1, got " + warmup + " and " + runs);
        }
        this.threads = threads;
        this.warmup = warmup;
        this.runs = runs;
        this.seed = seed;
    }

    /** One row per backend, in the order given; a backend that cannot open the model gets its reason instead. */
    List<LatencyTable.Row> measure(Model model, List<String> backends) throws EdgertException {
        List<Session> sessions = new ArrayList<>();
        List<LatencyTable.Row> rows = new ArrayList<>();
        try {
            List<long[]> times = new ArrayList<>();
            for (String b : backends) {
                Session s;
                try {
                    s = model.newSession(Session.Options.defaults().backend(b).threads(threads));
                } catch (EdgertException | IllegalArgumentException e) {
                    sessions.add(null);
                    times.add(null);
                    rows.add(LatencyTable.Row.failed(b, e.getMessage()));
                    continue;
                }
                sessions.add(s);
                times.add(new long[runs]);
                rows.add(null);
                // Same seed per backend: every backend sees the same input.
                Random rnd = new Random(seed);
                for (Tensor t : s.inputs()) {
                    InputFeeder.random(t, rnd);
                }
                for (int w = 0; w < warmup; w++) {
                    s.run();
                }
            }
            for (int r = 0; r < runs; r++) {
                for (int i = 0; i < sessions.size(); i++) {
                    Session s = sessions.get(i);
                    if (s == null) {
                        continue;
                    }
                    long start = System.nanoTime();
                    s.run();
                    times.get(i)[r] = System.nanoTime() - start;
                }
            }
            for (int i = 0; i < backends.size(); i++) {
                if (rows.get(i) == null) {
                    String resolved = sessions.get(i).backendName();
                    String name = backends.get(i).equals(resolved) ? resolved : backends.get(i) + " (" + resolved + ")";
                    rows.set(i, LatencyTable.Row.measured(name, times.get(i)));
                }
            }
            return rows;
        } finally {
            for (Session s : sessions) {
                if (s != null) {
                    s.close();
                }
            }
        }
    }
}
