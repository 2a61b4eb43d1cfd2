package io.edgert.bench;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.io.RandomInputs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Side-by-side latency of one model on several backends in one process. Sessions are created one after another
 * (init time), each runs once (first-inference time), all warm up, then timed runs are interleaved round-robin
 * across backends so that machine noise (other processes, frequency changes) hits every backend alike.
 */
public final class ModelBench {
    private final int warmup;
    private final int runs;
    private final double seconds;
    private final int threads;
    private final long seed;

    /**
     * @param warmup  untimed runs per backend after the first inference
     * @param runs    timed runs per backend (ignored when {@code seconds} > 0)
     * @param seconds when > 0, run rounds until this much wall time has passed instead of a fixed count
     */
    public ModelBench(int warmup, int runs, double seconds, int threads, long seed) {
        if (warmup < 0 || (runs < 1 && seconds <= 0) || threads < 1) {
            throw new IllegalArgumentException("need warmup >= 0, runs >= 1 (or seconds > 0), threads >= 1");
        }
        this.warmup = warmup;
        this.runs = runs;
        this.seconds = seconds;
        this.threads = threads;
        this.seed = seed;
    }

    /**
     * Session options for one backend entry: a backend name, optionally followed by {@code @} and a device profile
     * id or file ({@code native@x86_64-avx2}, {@code native@tuned.json}), so one run can compare profiles side by
     * side; without {@code @} the entry uses {@code defaultProfile} (null: the detected one).
     */
    public static Session.Options options(String entry, int threads, String defaultProfile) {
        int at = entry.indexOf('@');
        String backend = at < 0 ? entry : entry.substring(0, at);
        String profile = at < 0 ? defaultProfile : entry.substring(at + 1);
        Session.Options o = Session.Options.defaults().backend(backend).threads(threads);
        return profile == null ? o : o.profile(profile);
    }

    private String defaultProfile;

    /** The device profile (id or file) for entries without {@code @profile}; null = detected. */
    public ModelBench profile(String idOrPath) {
        this.defaultProfile = idOrPath;
        return this;
    }

    public List<BenchResult> run(Model model, String label, List<String> backends) {
        Map<String, Session> sessions = new LinkedHashMap<>();
        Map<String, long[]> init = new LinkedHashMap<>();
        Map<String, String> resolved = new LinkedHashMap<>();
        List<BenchResult> failed = new ArrayList<>();
        try {
            for (String b : backends) {
                long t0 = System.nanoTime();
                try {
                    Session s = model.newSession(options(b, threads, defaultProfile));
                    long t1 = System.nanoTime();
                    fillInputs(s, seed);
                    s.run();
                    long t2 = System.nanoTime();
                    sessions.put(b, s);
                    resolved.put(b, s.backendName());
                    init.put(b, new long[] {t1 - t0, t2 - t1});
                } catch (EdgertException | RuntimeException e) {
                    failed.add(BenchResult.failed(label, b, threads, e.getMessage()));
                }
            }
            for (Session s : sessions.values()) {
                for (int i = 0; i < warmup; i++) {
                    s.run();
                }
            }
            Map<String, long[]> samples = timedRounds(sessions);
            List<BenchResult> results = new ArrayList<>();
            for (String b : backends) {
                if (sessions.containsKey(b)) {
                    String name = b.equals(resolved.get(b)) ? b : b + " (" + resolved.get(b) + ")";
                    results.add(new BenchResult(label, name, threads, init.get(b)[0], init.get(b)[1],
                            LatencyStats.of(samples.get(b)), null));
                } else {
                    failed.stream().filter(f -> f.backend().equals(b)).forEach(results::add);
                }
            }
            return results;
        } catch (EdgertException e) {
            throw new IllegalStateException("a backend failed while benchmarking " + label + ": " + e.getMessage(), e);
        } finally {
            sessions.values().forEach(Session::close);
        }
    }

    private Map<String, long[]> timedRounds(Map<String, Session> sessions) throws EdgertException {
        Map<String, long[]> samples = new LinkedHashMap<>();
        int capacity = seconds > 0 ? 1024 : runs;
        for (String b : sessions.keySet()) {
            samples.put(b, new long[capacity]);
        }
        long deadline = seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
        int n = 0;
        while (seconds > 0 ? System.nanoTime() < deadline : n < runs) {
            if (n == capacity) {
                capacity *= 2;
                for (Map.Entry<String, long[]> e : samples.entrySet()) {
                    e.setValue(java.util.Arrays.copyOf(e.getValue(), capacity));
                }
            }
            for (Map.Entry<String, Session> e : sessions.entrySet()) {
                long t0 = System.nanoTime();
                e.getValue().run();
                samples.get(e.getKey())[n] = System.nanoTime() - t0;
            }
            n++;
        }
        Map<String, long[]> trimmed = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : samples.entrySet()) {
            trimmed.put(e.getKey(), java.util.Arrays.copyOf(e.getValue(), Math.max(n, 1)));
        }
        return trimmed;
    }

    /** Seeded random inputs ({@link RandomInputs}): every backend sees the same bytes. */
    public static void fillInputs(Session s, long seed) {
        RandomInputs.fill(s, seed);
    }
}
