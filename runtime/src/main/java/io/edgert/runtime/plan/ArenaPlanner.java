package io.edgert.runtime.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Assigns arena offsets to activation tensors so that tensors whose lifetimes overlap never share bytes, and
 * tensors whose lifetimes don't may. Greedy by size, as TFLite's arena planner does: place the largest tensors
 * first, each at the lowest aligned offset that fits between the already placed, overlapping ones.
 */
public final class ArenaPlanner {
    /** Offsets and sizes are multiples of this (cache line; AVX-512 loads). */
    public static final int ALIGNMENT = 64;

    private ArenaPlanner() {
    }

    /** One tensor to place: live from op {@code firstOp} through op {@code lastOp} inclusive. */
    public record Request(int tensor, long bytes, int firstOp, int lastOp) {
        boolean overlaps(Request o) {
            return firstOp <= o.lastOp && o.firstOp <= lastOp;
        }
    }

    /** The result: offset per request (same order as given) and the arena size. */
    public record Layout(long[] offsets, long arenaBytes, long sumOfSizes) {
    }

    public static Layout plan(List<Request> requests) {
        int n = requests.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, Comparator.<Integer>comparingLong(i -> -requests.get(i).bytes())
                .thenComparingInt(i -> requests.get(i).firstOp()));
        long[] offsets = new long[n];
        List<Integer> placed = new ArrayList<>();
        long arena = 0;
        long sum = 0;
        for (int idx : order) {
            Request r = requests.get(idx);
            long size = align(r.bytes());
            sum += size;
            // Candidate gaps: collect the intervals of overlapping, already placed tensors, sorted by offset.
            List<long[]> busy = new ArrayList<>();
            for (int p : placed) {
                Request o = requests.get(p);
                if (o.overlaps(r)) {
                    busy.add(new long[] {offsets[p], offsets[p] + align(o.bytes())});
                }
            }
            busy.sort(Comparator.comparingLong(a -> a[0]));
            long candidate = 0;
            for (long[] b : busy) {
                if (candidate + size <= b[0]) {
                    break;
                }
                candidate = Math.max(candidate, b[1]);
            }
            offsets[idx] = candidate;
            arena = Math.max(arena, candidate + size);
            placed.add(idx);
        }
        return new Layout(offsets, arena, sum);
    }

    public static long align(long bytes) {
        return (bytes + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }
}
