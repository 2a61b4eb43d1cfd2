package io.edgert.runtime.plan;

import java.util.List;

/**
 * How the native planner picked one op's kernel variant from the device profile's preference list.
 *
 * @param op        op index (execution order)
 * @param opType    TFLite op name
 * @param requested the variant asked of the native plan, or null when none in the list is eligible and the
 *                  registry's own order decides (its first eligible variant; {@link PlanSummary#kernels()} then
 *                  shows which)
 * @param reason    "profile x86_64-avx2, 1st choice", "profile ..., 3rd choice", or why the registry decides
 * @param skipped   the listed variants passed over, each with why ("conv2d_qs8_igemm_4x8c8_avx2: not compiled")
 */
public record KernelChoice(int op, String opType, String requested, String reason, List<String> skipped) {
    public KernelChoice {
        skipped = List.copyOf(skipped);
    }
}
