package io.edgert.cuda;

import io.edgert.cuda.plan.CudaProgram;

import java.util.ArrayList;
import java.util.List;

/**
 * A program's steps cut into phases: a GPU phase is a run of transfers and launches that a stream executes without
 * the CPU (one CUDA graph); a host phase is a run of consecutive CPU ops (one native plan). A run alternates them.
 */
final class Phases {
    private Phases() {
    }

    /** One phase: exactly one of {@code gpu} (steps) or {@code hostOps} (graph op indices) is non-null. */
    record Phase(List<CudaProgram.Step> gpu, int[] hostOps) {
        boolean isGpu() {
            return gpu != null;
        }
    }

    static List<Phase> of(CudaProgram program) {
        List<Phase> phases = new ArrayList<>();
        List<CudaProgram.Step> gpu = new ArrayList<>();
        List<Integer> host = new ArrayList<>();
        for (CudaProgram.Step s : program.steps()) {
            if (s instanceof CudaProgram.Host h) {
                if (!gpu.isEmpty()) {
                    phases.add(new Phase(List.copyOf(gpu), null));
                    gpu.clear();
                }
                host.add(h.op());
            } else {
                if (!host.isEmpty()) {
                    phases.add(new Phase(null, host.stream().mapToInt(Integer::intValue).toArray()));
                    host.clear();
                }
                gpu.add(s);
            }
        }
        if (!gpu.isEmpty()) {
            phases.add(new Phase(List.copyOf(gpu), null));
        }
        if (!host.isEmpty()) {
            phases.add(new Phase(null, host.stream().mapToInt(Integer::intValue).toArray()));
        }
        return phases;
    }
}
