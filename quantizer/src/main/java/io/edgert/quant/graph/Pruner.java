package io.edgert.quant.graph;

import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.TensorT;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Magnitude pruning of float conv, depthwise and FC weights (before quantization, so the zeros stay exact zeros in
 * int8). Unstructured pruning zeroes the smallest-magnitude fraction of each layer; N:M pruning keeps the N largest
 * of every M consecutive weights along the input-channel axis (the last one) of CONV_2D and FULLY_CONNECTED
 * layers. DEPTHWISE_CONV_2D has no input-channel reduction for N:M, so structured pruning leaves it dense.
 */
public final class Pruner {
    public record Layer(String name, long weights, long zeros, String note) {
        public double sparsity() {
            return weights == 0 ? 0 : (double) zeros / weights;
        }
    }

    public record Report(PruneSpec spec, List<Layer> layers) {
        public long weights() {
            return layers.stream().mapToLong(Layer::weights).sum();
        }

        public long zeros() {
            return layers.stream().mapToLong(Layer::zeros).sum();
        }

        public double sparsity() {
            return weights() == 0 ? 0 : (double) zeros() / weights();
        }
    }

    private Pruner() {
    }

    public static Report prune(ModelT m, PruneSpec spec) {
        List<Layer> layers = new ArrayList<>();
        for (OperatorT op : m.getSubgraphs()[0].getOperators()) {
            if (!WeightedOps.isWeighted(m, op)) {
                continue;
            }
            TensorT wt = WeightedOps.weights(m, op);
            float[] w = Buffers.floats(m, wt);
            String note = "";
            if (spec.structured()) {
                int group = wt.getShape()[wt.getShape().length - 1];
                if (WeightedOps.code(m, op) == BuiltinOperator.DEPTHWISE_CONV_2D) {
                    note = "depthwise: left dense under N:M";
                } else if (group % spec.groupM() != 0) {
                    note = "input channels " + group + " not a multiple of " + spec.groupM() + ": left dense";
                } else {
                    pruneNm(w, spec.keepN(), spec.groupM());
                }
            } else {
                pruneMagnitude(w, spec.sparsity());
            }
            Buffers.setFloats(m, wt, w);
            long zeros = 0;
            for (float v : w) {
                if (v == 0) {
                    zeros++;
                }
            }
            layers.add(new Layer(WeightedOps.name(m, op), w.length, zeros, note));
        }
        return new Report(spec, layers);
    }

    /** Zeroes the {@code floor(sparsity * n)} smallest magnitudes. */
    static void pruneMagnitude(float[] w, double sparsity) {
        int k = (int) Math.floor(sparsity * w.length);
        if (k == 0) {
            return;
        }
        float[] mags = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            mags[i] = Math.abs(w[i]);
        }
        float[] sorted = mags.clone();
        Arrays.sort(sorted);
        float threshold = sorted[k - 1];
        int removed = 0;
        // Strictly below the threshold first, then ties, so exactly k go even when magnitudes repeat.
        for (int i = 0; i < w.length && removed < k; i++) {
            if (mags[i] < threshold) {
                w[i] = 0;
                removed++;
            }
        }
        for (int i = 0; i < w.length && removed < k; i++) {
            if (mags[i] == threshold && w[i] != 0) {
                w[i] = 0;
                removed++;
            } else if (mags[i] == threshold && threshold == 0) {
                removed++;
            }
        }
    }

    /** In each group of m consecutive weights, keeps the n largest magnitudes (the earlier one on ties). */
    static void pruneNm(float[] w, int n, int m) {
        Integer[] idx = new Integer[m];
        for (int g = 0; g + m <= w.length; g += m) {
            for (int i = 0; i < m; i++) {
                idx[i] = g + i;
            }
            Arrays.sort(idx, (a, b) -> Float.compare(Math.abs(w[b]), Math.abs(w[a])));
            for (int i = n; i < m; i++) {
                w[idx[i]] = 0f;
            }
        }
    }
}
