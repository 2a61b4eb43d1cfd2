package io.edgert.runtime.backend;

import io.edgert.jni.NativePlan;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.UnsupportedOpException;
import io.edgert.runtime.model.OpInfo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** edgert's own int8 kernels ({@code native/}), planned in Java and run over one native arena. */
public final class NativeBackend implements Backend {
    public static final String NAME = "native";

    private static volatile Set<Integer> supportedOps;
    private static volatile List<String> kernelIds;
    private static volatile String loadError;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String unavailableReason() {
        return ensureLoaded() ? null : loadError;
    }

    /** Whether the native library loaded, for tests that skip without it. */
    public static boolean ensureLoadedForTests() {
        return ensureLoaded();
    }

    static synchronized boolean ensureLoaded() {
        if (supportedOps != null) {
            return true;
        }
        if (loadError != null) {
            return false;
        }
        try {
            Set<Integer> ops = new HashSet<>();
            List<String> ids = new ArrayList<>();
            int n = NativePlan.edgert_kernel_count();
            for (int i = 0; i < n; i++) {
                ops.add(NativePlan.edgert_kernel_builtin(i));
                ids.add(NativePlan.edgert_kernel_id(i).getString());
            }
            kernelIds = Collections.unmodifiableList(ids);
            supportedOps = Collections.unmodifiableSet(ops);
            return true;
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            loadError = "edgert native library did not load: " + e.getMessage();
            return false;
        }
    }

    /** Every kernel variant compiled into the native library (empty when it did not load). */
    public static List<String> kernelIds() {
        return ensureLoaded() ? kernelIds : List.of();
    }

    /**
     * The int8 peak of the calling thread's core in GOPS, measured now for about {@code millis} ms with the
     * instruction the native GEMMs are built on ({@code vpdpbusd} on AVX-512 VNNI); 0 when this build has no probe
     * for the CPU or the native library is unavailable. On a shared machine, measure it next to what it is
     * compared with.
     */
    public static double int8PeakGops(int millis) {
        if (millis < 1) {
            throw new IllegalArgumentException("millis must be at least 1, got " + millis);
        }
        return ensureLoaded() ? io.edgert.jni.NativePlan.edgert_cpu_int8_peak_gops(millis) : 0.0;
    }

    /** Operator types of the model (by name) that have no native kernel at all; empty when all are covered. */
    public static Set<String> unsupportedOps(Model model) {
        Set<String> missing = new LinkedHashSet<>();
        if (!ensureLoaded()) {
            for (OpInfo op : model.operators()) {
                missing.add(op.type());
            }
            return missing;
        }
        for (int s = 0; s < model.subgraphCount(); s++) {
            for (OpInfo op : model.subgraph(s).operators()) {
                if (op.isCustom() || !supportedOps.contains(op.builtinCode())) {
                    missing.add(op.type());
                }
            }
        }
        if (model.subgraphCount() > 1) {
            missing.add("control flow (" + model.subgraphCount() + " subgraphs)");
        }
        return missing;
    }

    /** Plans {@code model} for the native kernels and describes the result ({@code edgert inspect --plan}). */
    public static io.edgert.runtime.plan.PlanSummary summarize(Model model, Session.Options options)
            throws EdgertException {
        try (NativeSession s = (NativeSession) new NativeBackend().open(model, options)) {
            List<String> types = model.operators().stream().map(OpInfo::type)
                    .collect(Collectors.toList());
            return new io.edgert.runtime.plan.PlanSummary(types, List.of(s.kernels()), s.memory().arenaBytes(),
                    s.memory().sumOfActivationBytes(), s.packedBytes(), s.profile().id(), s.choices());
        }
    }

    /**
     * Per op of the model's main graph, every compiled kernel variant this device can run for it (registry order,
     * best first), under {@code options}' rounding: the candidates {@code edgert tune} times.
     */
    public static List<List<String>> eligibleKernels(Model model, Session.Options options) throws EdgertException {
        if (!ensureLoaded()) {
            throw new EdgertException("backend 'native' is unavailable: " + loadError);
        }
        return NativeSession.eligibleKernels(model.graph(), options);
    }

    @Override
    public BackendSession open(Model model, Session.Options options) throws EdgertException {
        if (!ensureLoaded()) {
            throw new EdgertException("backend 'native' is unavailable: " + loadError);
        }
        Set<String> missing = unsupportedOps(model);
        if (!missing.isEmpty()) {
            throw new UnsupportedOpException(missing.iterator().next(), "backend 'native' has no kernel for "
                    + String.join(", ", missing) + " in " + model.source());
        }
        return NativeSession.create(model, options);
    }
}
