package io.edgert.bench;

import io.edgert.device.Device;
import io.edgert.device.profile.DeviceProfile;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.Tensor;
import io.edgert.runtime.backend.NativeBackend;
import io.edgert.runtime.io.RandomInputs;
import io.edgert.runtime.model.OpInfo;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code edgert tune}: times, on this device and for one model, every kernel variant eligible for each op type of
 * the model (the native registry's {@code edgert_kernel_check}) and several thread counts, and writes a profile that
 * {@code extends} the base one with the measured order, keyed by {@link Profiles#fingerprint} (like a timing cache).
 *
 * <p>Rules: a variant is timed as the only entry of its op type's list (other op types keep the base profile's
 * choices), by the per-op times the native plan records, summed over the model's ops of that type, median over
 * runs that go round-robin over the candidates. A variant whose model outputs differ from the base profile's on the
 * same {@value #CHECK_INPUTS} seeded inputs is rejected: tuning makes a model faster, never different (the
 * {@code _lut16} softmax, for one, may round otherwise). Op types with one eligible variant keep it untimed. Among
 * thread counts the fewest within {@value #THREAD_TOLERANCE} of the fastest wins, so noise never buys threads.
 */
public final class ProfileTuner {
    static final double THREAD_TOLERANCE = 0.10;
    /** Seeded random inputs a candidate's outputs must reproduce bit for bit. */
    static final int CHECK_INPUTS = 3;
    private final int warmup;
    private final int runs;
    private final long seed = 1;

    public ProfileTuner(int warmup, int runs) {
        if (warmup < 0 || runs < 1) {
            throw new IllegalArgumentException("need warmup >= 0 and runs >= 1, got " + warmup + ", " + runs);
        }
        this.warmup = warmup;
        this.runs = runs;
    }

    /** What tuning found; {@link #document()} is the tuned profile. */
    public record Result(DeviceProfile base, Map<String, List<String>> kernels,
                         Map<String, Map<String, Double>> opTypeMicros, Map<String, String> rejected,
                         Map<Integer, Double> threadMicros, int threads, Map<String, Object> document,
                         List<String> log) {
    }

    /** Tunes {@code model} from {@code base} (a built-in or user-directory profile, so the result can extend it). */
    public Result tune(Model model, String modelName, DeviceProfile base, Device device) throws EdgertException {
        List<String> log = new ArrayList<>();
        Session.Options baseOptions = options(base, 1);
        List<List<String>> eligible = NativeBackend.eligibleKernels(model, baseOptions);
        List<OpInfo> ops = model.operators();
        Map<String, Set<String>> candidates = new LinkedHashMap<>();
        for (int i = 0; i < ops.size(); i++) {
            candidates.computeIfAbsent(ops.get(i).type(), k -> new LinkedHashSet<>()).addAll(eligible.get(i));
        }
        byte[][] reference = outputs(model, baseOptions);
        Map<String, List<String>> kernels = new LinkedHashMap<>();
        Map<String, Map<String, Double>> micros = new LinkedHashMap<>();
        Map<String, String> rejected = new LinkedHashMap<>();
        DeviceProfile tuned = base;
        for (Map.Entry<String, Set<String>> e : candidates.entrySet()) {
            String type = e.getKey();
            List<String> variants = new ArrayList<>(e.getValue());
            if (variants.size() < 2) {
                log.add(type + ": " + (variants.isEmpty() ? "no eligible variant" : "only " + variants.get(0))
                        + ", nothing to time");
                continue;
            }
            List<String> kept = new ArrayList<>();
            List<Session.Options> trials = new ArrayList<>();
            for (String v : variants) {
                DeviceProfile trial = base.withChoices(base.choices().withKernels(type, List.of(v)));
                Session.Options o = options(trial, 1);
                if (!Arrays.deepEquals(reference, outputs(model, o))) {
                    rejected.put(v, "outputs differ from profile " + base.id() + "'s (not bit-exact)");
                    log.add(type + ": " + v + " rejected: outputs differ");
                    continue;
                }
                kept.add(v);
                trials.add(o);
            }
            double[] us = interleaved(model, trials, type);
            Map<String, Double> times = new LinkedHashMap<>();
            for (int k = 0; k < kept.size(); k++) {
                times.put(kept.get(k), us[k]);
                log.add(String.format(Locale.ROOT, "%s: %s %.1f us", type, kept.get(k), us[k]));
            }
            List<String> order = new ArrayList<>(times.keySet());
            order.sort(Comparator.comparingDouble(times::get));
            for (String id : base.kernelsFor(type)) {
                if (!order.contains(id) && !rejected.containsKey(id)) {
                    order.add(id);  // not measurable here (not compiled, CPU lacks it): kept after the measured ones
                }
            }
            kernels.put(type, order);
            micros.put(type, times);
            tuned = tuned.withChoices(tuned.choices().withKernels(type, order));
        }
        Map<Integer, Double> threadMicros = new LinkedHashMap<>();
        Set<Integer> counts = new LinkedHashSet<>();
        for (int t = 1; t < device.availableCpus(); t *= 2) {
            counts.add(t);
        }
        counts.add(Math.max(1, device.availableCpus()));
        List<Session.Options> byThreads = new ArrayList<>();
        for (int t : counts) {
            byThreads.add(options(tuned, t));
        }
        double[] wall = interleaved(model, byThreads, null);
        int k = 0;
        for (int t : counts) {
            threadMicros.put(t, wall[k++]);
        }
        double best = threadMicros.values().stream().mapToDouble(Double::doubleValue).min().orElse(0);
        int threads = 1;
        for (Map.Entry<Integer, Double> e : threadMicros.entrySet()) {
            if (e.getValue() <= best * (1 + THREAD_TOLERANCE)) {
                threads = e.getKey();
                break;
            }
        }
        threadMicros.forEach((t, us) -> log.add(String.format(Locale.ROOT, "threads %d: %.1f us per inference", t,
                us)));
        Map<String, Object> doc = document(base, modelName, device, kernels, micros, rejected, threadMicros, threads);
        return new Result(base, kernels, micros, rejected, threadMicros, threads, doc, log);
    }

    private static Session.Options options(DeviceProfile p, int threads) {
        return Session.Options.defaults().backend(NativeBackend.NAME).threads(threads).profile(p);
    }

    /** The model's outputs for {@value #CHECK_INPUTS} seeded random inputs, concatenated per input. */
    private byte[][] outputs(Model model, Session.Options o) throws EdgertException {
        try (Session s = model.newSession(o)) {
            byte[][] r = new byte[CHECK_INPUTS * s.outputCount()][];
            for (int k = 0; k < CHECK_INPUTS; k++) {
                RandomInputs.fill(s, seed + k);
                s.run();
                for (int i = 0; i < s.outputCount(); i++) {
                    Tensor t = s.output(i);
                    r[k * s.outputCount() + i] = t.getBytes();
                }
            }
            return r;
        }
    }

    /**
     * Medians, in microseconds, of one session per options: the summed per-op time of the ops of {@code type}, or
     * the whole inference when {@code type} is null. Runs go round-robin over the sessions (as {@link ModelBench})
     * so machine noise hits every candidate alike.
     */
    private double[] interleaved(Model model, List<Session.Options> options, String type) throws EdgertException {
        List<Session> sessions = new ArrayList<>();
        try {
            for (Session.Options o : options) {
                Session s = model.newSession(type != null ? o.opTiming(true) : o);
                sessions.add(s);
                RandomInputs.fill(s, seed);
                for (int i = 0; i < warmup; i++) {
                    s.run();
                }
            }
            List<OpInfo> ops = model.operators();
            long[][] samples = new long[sessions.size()][runs];
            for (int r = 0; r < runs; r++) {
                for (int k = 0; k < sessions.size(); k++) {
                    Session s = sessions.get(k);
                    long t0 = System.nanoTime();
                    s.run();
                    long wall = System.nanoTime() - t0;
                    if (type == null) {
                        samples[k][r] = wall;
                        continue;
                    }
                    long[] t = s.lastOpTimesNanos();
                    long sum = 0;
                    for (int i = 0; i < ops.size() && i < t.length; i++) {
                        if (ops.get(i).type().equals(type)) {
                            sum += t[i];
                        }
                    }
                    samples[k][r] = sum;
                }
            }
            double[] r = new double[sessions.size()];
            for (int k = 0; k < r.length; k++) {
                r[k] = median(samples[k]) / 1e3;
            }
            return r;
        } finally {
            sessions.forEach(Session::close);
        }
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0;
    }

    /** The tuned profile document: extends {@code base}, matches only this device's fingerprint. */
    private Map<String, Object> document(DeviceProfile base, String modelName, Device device,
                                         Map<String, List<String>> kernels, Map<String, Map<String, Double>> micros,
                                         Map<String, String> rejected, Map<Integer, Double> threadMicros, int threads) {
        String fingerprint = Profiles.fingerprint(device);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("schema_version", 1L);
        doc.put("id", tunedId(base, fingerprint));
        doc.put("description", "Tuned by edgert tune on " + modelName + " for this device only: " + fingerprint + ".");
        doc.put("rationale", "Kernel order and threads measured on this device (median of " + runs
                + " runs per candidate); variants whose outputs differed from " + base.id() + "'s were rejected.");
        doc.put("extends", base.id());
        Map<String, Object> match = new LinkedHashMap<>();
        match.put("arch", base.match().arch());
        match.put("features", base.match().features());
        match.put("fingerprint", fingerprint);
        doc.put("match", match);
        Map<String, Object> choices = new LinkedHashMap<>();
        choices.put("kernels", kernels);
        choices.put("threads", (long) threads);
        doc.put("choices", choices);
        Map<String, Object> tuning = new LinkedHashMap<>();
        tuning.put("model", modelName);
        tuning.put("date", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        tuning.put("runs", (long) runs);
        tuning.put("op_type_micros", micros);
        tuning.put("rejected", rejected);
        Map<String, Object> tm = new LinkedHashMap<>();
        threadMicros.forEach((t, us) -> tm.put(String.valueOf(t), us));
        tuning.put("thread_micros", tm);
        doc.put("tuning", tuning);
        return doc;
    }

    /** {@code tuned-<base>-<8 hex digits of the fingerprint's hash>}: one file per base profile and device. */
    public static String tunedId(DeviceProfile base, String fingerprint) {
        return "tuned-" + base.id() + "-" + String.format(Locale.ROOT, "%08x", fingerprint.hashCode());
    }
}
