package io.edgert.cuda;

import io.edgert.runtime.model.Graph;
import io.edgert.runtime.model.TensorInfo;

/** Tensor shapes at another batch size, by NativeSession's rule: every activation whose dim 0 is the batch scales. */
public final class BatchShapes {
    private BatchShapes() {
    }

    /** The model's shapes with the batch of {@code graph}'s input {@code input} set to {@code batch}. */
    public static int[][] of(Graph graph, int input, int batch) {
        TensorInfo in = graph.tensor(graph.inputs()[input]);
        int oldBatch = in.shape().length > 0 ? in.dim(0) : 1;
        int[][] shapes = new int[graph.tensors().size()][];
        for (TensorInfo t : graph.tensors()) {
            int[] s = t.shape();
            if (!t.isConstant() && s.length > 0 && s[0] == oldBatch) {
                s[0] = batch;
            }
            shapes[t.index()] = s;
        }
        return shapes;
    }
}
