package io.edgert.runtime.plan;

import io.edgert.runtime.model.Graph;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Where every activation tensor of a graph lives in the session's arena. Constants stay in the model buffer and
 * are not part of it. Built by {@link #of(Graph, int[][])}, which takes the (possibly resized) shapes to plan for.
 */
public final class MemoryPlan {
    /** Offset of a tensor that is not in the arena (constant or unused). */
    public static final long NOT_IN_ARENA = -1;

    private final long[] offsets;
    private final long[] sizes;
    private final long arenaBytes;
    private final long sumOfActivationBytes;

    private MemoryPlan(long[] offsets, long[] sizes, long arenaBytes, long sumOfActivationBytes) {
        this.offsets = offsets;
        this.sizes = sizes;
        this.arenaBytes = arenaBytes;
        this.sumOfActivationBytes = sumOfActivationBytes;
    }

    /**
     * Plans the arena for {@code graph}. {@code shapes[t]} is the shape to plan tensor t with (the model's shape
     * unless an input was resized).
     */
    public static MemoryPlan of(Graph graph, int[][] shapes) {
        int tensorCount = graph.tensors().size();
        List<OpInfo> ops = graph.operators();
        int end = ops.size();
        int[] first = new int[tensorCount];
        int[] last = new int[tensorCount];
        Arrays.fill(first, Integer.MAX_VALUE);
        Arrays.fill(last, -1);
        boolean[] produced = new boolean[tensorCount];
        for (int t : graph.inputs()) {
            first[t] = 0;
            last[t] = Math.max(last[t], 0);
            produced[t] = true;
        }
        for (int o = 0; o < ops.size(); o++) {
            OpInfo op = ops.get(o);
            for (int t : op.inputs()) {
                if (t >= 0) {
                    first[t] = Math.min(first[t], o);
                    last[t] = Math.max(last[t], o);
                }
            }
            for (int t : op.outputs()) {
                if (!produced[t]) {
                    first[t] = Math.min(first[t], o);
                    produced[t] = true;
                }
                last[t] = Math.max(last[t], o);
            }
        }
        for (int t : graph.outputs()) {
            last[t] = end;
            first[t] = Math.min(first[t], end);
        }
        List<ArenaPlanner.Request> requests = new ArrayList<>();
        long[] sizes = new long[tensorCount];
        for (int t = 0; t < tensorCount; t++) {
            TensorInfo info = graph.tensor(t);
            if (info.isConstant() || last[t] < 0) {
                continue;
            }
            if (!produced[t] || info.isVariable()) {
                // Read but never written (or persistent state): must live for the whole run.
                first[t] = 0;
                last[t] = end;
            }
            sizes[t] = TensorInfo.elementCount(shapes[t]) * info.dataType().byteSize();
            requests.add(new ArenaPlanner.Request(t, sizes[t], first[t], last[t]));
        }
        ArenaPlanner.Layout layout = ArenaPlanner.plan(requests);
        long[] offsets = new long[tensorCount];
        Arrays.fill(offsets, NOT_IN_ARENA);
        for (int i = 0; i < requests.size(); i++) {
            offsets[requests.get(i).tensor()] = layout.offsets()[i];
        }
        return new MemoryPlan(offsets, sizes, Math.max(layout.arenaBytes(), ArenaPlanner.ALIGNMENT),
                layout.sumOfSizes());
    }

    /** Arena offset of tensor t, or {@link #NOT_IN_ARENA}. */
    public long offset(int tensor) {
        return offsets[tensor];
    }

    public long size(int tensor) {
        return sizes[tensor];
    }

    public long arenaBytes() {
        return arenaBytes;
    }

    /** What the activations would take without sharing (aligned sizes summed). */
    public long sumOfActivationBytes() {
        return sumOfActivationBytes;
    }
}
