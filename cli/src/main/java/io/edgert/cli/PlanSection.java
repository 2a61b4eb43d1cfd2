package io.edgert.cli;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.NativeBackend;
import io.edgert.runtime.plan.KernelChoice;
import io.edgert.runtime.plan.PlanSummary;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code inspect --plan}: the kernel the native planner binds to each op, and the arena it needs against the sum of
 * all activation sizes (and against TFLite's arena for the same model, when TFLite can load it).
 */
final class PlanSection implements InspectSection {
    private final PlanSummary plan;
    private final String failure;
    private final long tfliteArena;

    private PlanSection(PlanSummary plan, String failure, long tfliteArena) {
        this.plan = plan;
        this.failure = failure;
        this.tfliteArena = tfliteArena;
    }

    static PlanSection of(Model model, String profile) {
        PlanSummary plan = null;
        String failure = null;
        try {
            plan = NativeBackend.summarize(model, Session.Options.defaults().backend(NativeBackend.NAME)
                    .profile(profile));
        } catch (EdgertException e) {
            failure = e.getMessage();
        }
        long tflite = -1;
        try (Session s = model.newSession(Session.Options.defaults().backend("tflite-ref"))) {
            tflite = s.arenaBytes();
        } catch (EdgertException e) {
            // TFLite refuses some models edgert runs (person_detect): no comparison then.
        }
        return new PlanSection(plan, failure, tflite);
    }

    @Override
    public String key() {
        return "plan";
    }

    @Override
    public Object toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (plan == null) {
            m.put("error", failure);
            return m;
        }
        List<Map<String, Object>> ops = new ArrayList<>();
        for (int i = 0; i < plan.kernels().size(); i++) {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("index", i);
            op.put("type", plan.opTypes().get(i));
            op.put("kernel", plan.kernels().get(i));
            KernelChoice c = plan.choices().get(i);
            op.put("chosen_by", c.reason());
            op.put("skipped", c.skipped());
            ops.add(op);
        }
        m.put("profile", plan.profile());
        m.put("ops", ops);
        m.put("arena_bytes", plan.arenaBytes());
        m.put("sum_of_activation_bytes", plan.sumOfActivationBytes());
        m.put("packed_weight_bytes", plan.packedWeightBytes());
        m.put("tflite_arena_bytes", tfliteArena >= 0 ? tfliteArena : null);
        return m;
    }

    /**
     * One line per op: index, type, kernel, why; then the preferences passed over, indented, the first time an op
     * type skips them (later ops of the type skip the same ones for the same reasons, and say so).
     */
    static void printKernels(PlanSummary plan, PrintWriter out, String indent) {
        int width = plan.opTypes().stream().mapToInt(String::length).max().orElse(4);
        int kwidth = plan.kernels().stream().mapToInt(String::length).max().orElse(4);
        java.util.Map<String, Integer> shown = new java.util.HashMap<>();
        for (int i = 0; i < plan.kernels().size(); i++) {
            KernelChoice c = plan.choices().get(i);
            String key = c.opType() + c.skipped();
            Integer first = c.skipped().isEmpty() ? null : shown.putIfAbsent(key, i);
            out.printf("%s#%-3d %-" + width + "s  %-" + kwidth + "s  %s%s%n", indent, i, plan.opTypes().get(i),
                    plan.kernels().get(i), c.reason(), first != null ? " (skipping as #" + first + ")" : "");
            if (first != null) {
                continue;
            }
            for (String s : c.skipped()) {
                out.printf("%s      %" + width + "s  skipped %s%n", indent, "", s);
            }
        }
    }

    @Override
    public void printText(PrintWriter out) {
        out.println("Native plan");
        if (plan == null) {
            out.println("  not plannable on 'native': " + failure);
            return;
        }
        out.println("  device profile " + plan.profile() + " (kernel per op: its first eligible preference)");
        printKernels(plan, out, "  ");
        out.printf("  arena %s bytes for activations summing to %s bytes (%.0f%% shared)%s%n",
                plan.arenaBytes(), plan.sumOfActivationBytes(), 100 * plan.savedFraction(),
                tfliteArena >= 0 ? "; TFLite's arena: " + tfliteArena + " bytes" : "");
        out.printf("  packed weights and tables: %d bytes%n", plan.packedWeightBytes());
    }
}
