package io.edgert.bench;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;
import org.tensorflow.lite.schema.BuiltinOperator;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-op time of one backend that records it (the native executor with op timing on): median over runs per op,
 * each op's share of the total, and GOPS (2 x MACs / time) for the ops with MACs.
 */
public final class OpProfile {
    private final String backend;
    private final List<OpInfo> ops;
    private final long[] medianNs;
    private final long[] macs;

    private final double peakGops;

    private OpProfile(String backend, List<OpInfo> ops, long[] medianNs, long[] macs, double peakGops) {
        this.backend = backend;
        this.ops = ops;
        this.medianNs = medianNs;
        this.macs = macs;
        this.peakGops = peakGops;
    }

    /** Profiles every listed backend that records per-op times; the others are skipped. */
    public static List<OpProfile> forBackends(Model model, List<String> backends, int threads, int runs) {
        List<OpProfile> r = new ArrayList<>();
        for (String b : backends) {
            try (Session s = model.newSession(ModelBench.options(b, threads, null).opTiming(true))) {
                io.edgert.runtime.io.RandomInputs.fill(s, 1);
                s.run();
                if (s.lastOpTimesNanos() == null) {
                    continue;
                }
                long[][] samples = new long[runs][];
                for (int i = 0; i < runs; i++) {
                    s.run();
                    samples[i] = s.lastOpTimesNanos();
                }
                int n = samples[0].length;
                long[] median = new long[n];
                for (int op = 0; op < n; op++) {
                    long[] col = new long[runs];
                    for (int i = 0; i < runs; i++) {
                        col[i] = samples[i][op];
                    }
                    median[op] = LatencyStats.of(col).medianNs();
                }
                // the core's int8 peak right after the runs (this machine's speed varies minute to minute)
                double peak = s.backendName().equals(io.edgert.runtime.backend.NativeBackend.NAME)
                        ? io.edgert.runtime.backend.NativeBackend.int8PeakGops(200) : 0.0;
                r.add(new OpProfile(s.backendName(), model.operators(), median, macs(model), peak));
            } catch (EdgertException | RuntimeException e) {
                // a backend that can't open the model has no profile; the latency table already says why
            }
        }
        return r;
    }

    /** Multiply-accumulates of the ops that have them (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED). */
    static long[] macs(Model model) {
        List<OpInfo> ops = model.operators();
        long[] m = new long[ops.size()];
        for (int i = 0; i < ops.size(); i++) {
            OpInfo op = ops.get(i);
            if (op.inputCount() < 2 || op.input(1) < 0) {
                continue;
            }
            TensorInfo out = model.tensors().get(op.output(0));
            int[] w = model.tensors().get(op.input(1)).shape();
            long outElems = out.elementCount();
            switch (op.builtinCode()) {
                case BuiltinOperator.CONV_2D -> m[i] = outElems * w[1] * w[2] * w[3];
                case BuiltinOperator.DEPTHWISE_CONV_2D -> m[i] = outElems * w[1] * w[2];
                case BuiltinOperator.FULLY_CONNECTED -> m[i] = outElems * w[w.length - 1];
                default -> {
                }
            }
        }
        return m;
    }

    /** 2 x MACs / median time of op i, 0 for ops without MACs. */
    double gops(int i) {
        return macs[i] > 0 && medianNs[i] > 0 ? 2.0 * macs[i] / medianNs[i] : 0.0;
    }

    /** Every op in execution order for JSON: index, type, median ms, MACs, GOPS and share of peak where known. */
    public Map<String, Object> toJson(String model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("backend", backend);
        if (peakGops > 0) {
            m.put("int8_peak_gops", peakGops);
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (int i = 0; i < medianNs.length; i++) {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("op", i);
            op.put("type", ops.get(i).type());
            op.put("median_ms", medianNs[i] / 1e6);
            if (macs[i] > 0) {
                op.put("macs", macs[i]);
                op.put("gops", gops(i));
                if (peakGops > 0) {
                    op.put("peak_fraction", gops(i) / peakGops);
                }
            }
            list.add(op);
        }
        m.put("ops", list);
        return m;
    }

    public void print(PrintWriter out) {
        long total = Arrays.stream(medianNs).sum();
        Integer[] order = new Integer[medianNs.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingLong(i -> -medianNs[i]));
        out.printf("per-op profile on %s (median per op; %d ops, %.3f ms total)%n", backend, medianNs.length, total / 1e6);
        if (peakGops > 0) {
            out.printf("int8 peak of this core, measured after the runs: %.0f GOPS%n", peakGops);
        }
        out.printf("  %4s  %-20s %10s %7s %8s %6s%n", "op", "type", "ms", "share", "GOPS", "peak");
        int shown = Math.min(15, order.length);
        for (int k = 0; k < shown; k++) {
            int i = order[k];
            double g = gops(i);
            out.printf("  #%-3d  %-20s %10.4f %6.1f%% %8s %6s%n", i, ops.get(i).type(), medianNs[i] / 1e6,
                    total == 0 ? 0 : 100.0 * medianNs[i] / total, g > 0 ? String.format("%.2f", g) : "",
                    g > 0 && peakGops > 0 ? String.format("%.0f%%", 100.0 * g / peakGops) : "");
        }
        if (order.length > shown) {
            out.printf("  ... %d more ops%n", order.length - shown);
        }
    }
}
