package io.edgert.cli;

import java.util.Comparator;
import java.util.stream.IntStream;

/** Indices of the k largest scores, best first; ties keep the lower index first (as numpy's argsort does). */
final class TopK {
    private TopK() {
    }

    static int[] indices(float[] scores, int k) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer i) -> -scores[i]).thenComparingInt(i -> i))
                .limit(Math.max(0, k)).mapToInt(Integer::intValue).toArray();
    }

    /** Whether an output looks like class scores: [1, N] with N >= 2. */
    static boolean isClassifierShape(int[] shape) {
        return shape.length == 2 && shape[0] == 1 && shape[1] >= 2;
    }

}
