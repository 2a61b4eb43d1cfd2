package io.edgert.quant.graph;

import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorT;

import java.util.ArrayList;
import java.util.List;

/**
 * Cross-layer equalization (Nagel et al., "Data-Free Quantization", 2019): for a pair conv1 -> (ReLU) -> conv2,
 * scaling conv1's output channel c by 1/s and conv2's matching input channel by s leaves the float function unchanged
 * (ReLU commutes with positive scales) and, with {@code s = sqrt(r1 r2) / r2}, gives both channels the same weight
 * range, so per-channel ranges that differ wildly (common in depthwise layers) quantize with less error.
 * Pairs need conv1's fused activation to be NONE or RELU (RELU6 clips at a fixed 6, which does not commute with
 * scaling) and conv1's output to feed only conv2; conv2 may be CONV_2D or a depthwise with multiplier 1.
 */
public final class CrossLayerEqualizer {
    private static final int SWEEPS = 8;
    /** Bound on one step's scale: repeated sweeps compound, and extreme scales make channels vanish in int8. */
    private static final double MAX_STEP = 100;
    /** Channels this far below their layer's largest are dead (folded batch norm with gamma ~ 0): left alone. */
    private static final double DEAD = 1e-6;

    public record Pair(OperatorT first, OperatorT second, String name) {
    }

    private CrossLayerEqualizer() {
    }

    /** Equalizes every eligible pair in place and returns them. */
    public static List<Pair> equalize(ModelT m) {
        List<Pair> pairs = pairs(m);
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            for (Pair p : pairs) {
                equalize(m, p);
            }
        }
        return pairs;
    }

    static List<Pair> pairs(ModelT m) {
        SubGraphT g = m.getSubgraphs()[0];
        List<Pair> r = new ArrayList<>();
        for (OperatorT first : g.getOperators()) {
            int c1 = WeightedOps.code(m, first);
            if (!WeightedOps.isWeighted(m, first) || c1 == BuiltinOperator.FULLY_CONNECTED) {
                continue;
            }
            int act = WeightedOps.fusedActivation(first);
            if (act != ActivationFunctionType.NONE && act != ActivationFunctionType.RELU) {
                continue;
            }
            int t = first.getOutputs()[0];
            OperatorT next = soleConsumer(g, t);
            if (next != null && WeightedOps.code(m, next) == BuiltinOperator.RELU) {
                next = soleConsumer(g, next.getOutputs()[0]);
            }
            if (next == null || !WeightedOps.isWeighted(m, next)) {
                continue;
            }
            int c2 = WeightedOps.code(m, next);
            int channels = outputChannels(m, first);
            TensorT w2 = WeightedOps.weights(m, next);
            int[] s2 = w2.getShape();
            boolean fits = switch (c2) {
                case BuiltinOperator.CONV_2D -> s2[3] == channels;
                case BuiltinOperator.DEPTHWISE_CONV_2D -> s2[3] == channels; // multiplier 1
                default -> false;
            };
            if (fits) {
                r.add(new Pair(first, next, WeightedOps.name(m, first) + " -> " + WeightedOps.name(m, next)));
            }
        }
        return r;
    }

    private static OperatorT soleConsumer(SubGraphT g, int t) {
        for (int out : g.getOutputs()) {
            if (out == t) {
                return null;
            }
        }
        OperatorT found = null;
        for (OperatorT op : g.getOperators()) {
            for (int in : op.getInputs()) {
                if (in == t) {
                    if (found != null) {
                        return null;
                    }
                    found = op;
                }
            }
        }
        return found;
    }

    private static int outputChannels(ModelT m, OperatorT op) {
        int[] s = WeightedOps.weights(m, op).getShape();
        return WeightedOps.code(m, op) == BuiltinOperator.DEPTHWISE_CONV_2D ? s[3] : s[0];
    }

    private static void equalize(ModelT m, Pair p) {
        TensorT t1 = WeightedOps.weights(m, p.first());
        TensorT t2 = WeightedOps.weights(m, p.second());
        float[] w1 = Buffers.floats(m, t1);
        float[] w2 = Buffers.floats(m, t2);
        int channels = outputChannels(m, p.first());
        boolean depthwise1 = WeightedOps.code(m, p.first()) == BuiltinOperator.DEPTHWISE_CONV_2D;
        // conv1 [O,H,W,I]: channel = i / (n / O); depthwise [1,H,W,C]: channel = i % C. conv2's input channel is its last axis.
        float[] r1 = new float[channels];
        for (int i = 0; i < w1.length; i++) {
            int c = depthwise1 ? i % channels : i / (w1.length / channels);
            r1[c] = Math.max(r1[c], Math.abs(w1[i]));
        }
        float[] r2 = new float[channels];
        for (int i = 0; i < w2.length; i++) {
            int c = i % channels;
            r2[c] = Math.max(r2[c], Math.abs(w2[i]));
        }
        float max1 = 0;
        float max2 = 0;
        for (int c = 0; c < channels; c++) {
            max1 = Math.max(max1, r1[c]);
            max2 = Math.max(max2, r2[c]);
        }
        double[] s = new double[channels];
        for (int c = 0; c < channels; c++) {
            boolean live = r1[c] > DEAD * max1 && r2[c] > DEAD * max2;
            s[c] = live ? Math.max(1 / MAX_STEP, Math.min(MAX_STEP, Math.sqrt(r1[c] * (double) r2[c]) / r2[c])) : 1;
        }
        for (int i = 0; i < w1.length; i++) {
            int c = depthwise1 ? i % channels : i / (w1.length / channels);
            w1[i] = (float) (w1[i] / s[c]);
        }
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) (w2[i] * s[i % channels]);
        }
        Buffers.setFloats(m, t1, w1);
        Buffers.setFloats(m, t2, w2);
        TensorT b1 = WeightedOps.bias(m, p.first());
        if (b1 != null) {
            float[] b = Buffers.floats(m, b1);
            for (int c = 0; c < b.length; c++) {
                b[c] = (float) (b[c] / s[c]);
            }
            Buffers.setFloats(m, b1, b);
        }
    }
}
