package io.edgert.runtime.backend;

import io.edgert.device.profile.DeviceProfile;
import io.edgert.jni.NativePlan;
import io.edgert.runtime.DataType;
import io.edgert.runtime.plan.KernelChoice;

import java.util.ArrayList;
import java.util.List;

/**
 * Picks each op's kernel variant from the device profile: the first id of the op's preference list that the native
 * registry says is eligible ({@code edgert_kernel_check}: compiled into this build, runnable on this CPU and allowed
 * by {@code EDGERT_ISA}, implementing the op for its dtypes and its requant mode). A profile can therefore never make
 * the device run a kernel it lacks; when nothing listed is eligible the registry's own best-first order decides.
 */
final class KernelSelector {
    private KernelSelector() {
    }

    static KernelChoice choose(DeviceProfile profile, int opIndex, String opType, int builtin, int inDtype,
                               int outDtype, int requantMode) {
        List<String> prefs = profile.kernelsFor(opType);
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < prefs.size(); i++) {
            String id = prefs.get(i);
            int r = NativePlan.edgert_kernel_check(id, builtin, inDtype, outDtype, requantMode);
            if (r == NativePlan.KERNEL_OK) {
                return new KernelChoice(opIndex, opType, id, "profile " + profile.id() + ", choice " + (i + 1) + " of "
                        + prefs.size(), skipped);
            }
            skipped.add(id + ": " + why(r, inDtype, outDtype, requantMode));
        }
        String reason = prefs.isEmpty() ? "registry default (profile " + profile.id() + " lists no variant for "
                + opType + ")" : "registry default (none of profile " + profile.id() + "'s variants is eligible)";
        return new KernelChoice(opIndex, opType, null, reason, skipped);
    }

    /** Every compiled variant eligible for the op, in registry order (best first): what tuning times. */
    static List<String> eligible(int builtin, int inDtype, int outDtype, int requantMode) {
        List<String> r = new ArrayList<>();
        int n = NativePlan.edgert_kernel_count();
        for (int i = 0; i < n; i++) {
            if (NativePlan.edgert_kernel_builtin(i) != builtin) {
                continue;
            }
            String id = NativePlan.edgert_kernel_id(i).getString();
            if (NativePlan.edgert_kernel_check(id, builtin, inDtype, outDtype, requantMode) == NativePlan.KERNEL_OK) {
                r.add(id);
            }
        }
        return r;
    }

    static String why(int result, int inDtype, int outDtype, int requantMode) {
        return switch (result) {
            case NativePlan.KERNEL_NOT_COMPILED -> "not compiled into this build";
            case NativePlan.KERNEL_WRONG_OP -> "does not implement this op for " + dtype(inDtype) + " -> "
                    + dtype(outDtype);
            case NativePlan.KERNEL_CPU_UNSUPPORTED -> "this CPU cannot run it (or EDGERT_ISA excludes its ISA)";
            case NativePlan.KERNEL_NO_REQUANT_MODE -> "does not implement requant mode " + requantMode;
            default -> "rejected (" + result + ")";
        };
    }

    private static String dtype(int code) {
        if (code < 0) {
            return "none";
        }
        DataType t = DataType.fromTflite((byte) code);
        return t == null ? "dtype " + code : t.label();
    }
}
