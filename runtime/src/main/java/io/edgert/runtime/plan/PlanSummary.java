package io.edgert.runtime.plan;

import java.util.List;

/**
 * What the native planner decided for a model: the kernel bound to each op (execution order), the arena size
 * against the sum of all activation sizes (what sharing memory between tensors with disjoint lifetimes saves),
 * the bytes of packed weights the plan owns, and the device profile whose kernel preferences decided (with why, per
 * op).
 */
public record PlanSummary(List<String> opTypes, List<String> kernels, long arenaBytes, long sumOfActivationBytes,
                          long packedWeightBytes, String profile, List<KernelChoice> choices) {
    public PlanSummary {
        opTypes = List.copyOf(opTypes);
        kernels = List.copyOf(kernels);
        choices = List.copyOf(choices);
    }

    /** Fraction of activation memory saved by the lifetime-aware planner. */
    public double savedFraction() {
        return sumOfActivationBytes == 0 ? 0 : 1.0 - (double) arenaBytes / sumOfActivationBytes;
    }
}
