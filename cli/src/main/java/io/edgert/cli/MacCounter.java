package io.edgert.cli;

import io.edgert.runtime.model.Graph;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;

/**
 * Multiply-accumulates per op, from tensor shapes alone (TFLite layouts: NHWC activations, OHWI conv filters,
 * 1HWO depthwise filters, [units, K] FC weights). Ops that do no MACs (ADD, RESHAPE, pooling...) count 0: pooling and
 * element-wise work is small next to the convolutions that dominate int8 vision models.
 */
final class MacCounter {
    private MacCounter() {
    }

    static long macs(OpInfo op, Graph g) {
        if (op.isCustom() || op.outputCount() == 0 || op.output(0) < 0) {
            return 0;
        }
        TensorInfo out = g.tensor(op.output(0));
        long outElems = out.elementCount();
        switch (op.type()) {
            case "CONV_2D": {
                int[] f = shapeOf(op, 1, g); // [OC, KH, KW, IC per group]
                return f.length == 4 ? outElems * f[1] * f[2] * f[3] : 0;
            }
            case "DEPTHWISE_CONV_2D": {
                int[] f = shapeOf(op, 1, g); // [1, KH, KW, OC]
                return f.length == 4 ? outElems * f[1] * f[2] : 0;
            }
            case "FULLY_CONNECTED": {
                int[] w = shapeOf(op, 1, g); // [units, K]
                return w.length == 2 ? outElems * w[1] : 0;
            }
            case "CONV_3D": {
                int[] f = shapeOf(op, 1, g); // [KD, KH, KW, IC, OC]
                return f.length == 5 ? outElems * f[0] * f[1] * f[2] * f[3] : 0;
            }
            case "TRANSPOSE_CONV": {
                // inputs: output_shape, weights [OC, KH, KW, IC], input; each input value feeds KH*KW*OC outputs.
                int[] w = shapeOf(op, 1, g);
                int[] in = shapeOf(op, 2, g);
                return w.length == 4 && in.length > 0 ? TensorInfo.elementCount(in) * w[0] * w[1] * w[2] : 0;
            }
            case "BATCH_MATMUL": {
                int[] lhs = shapeOf(op, 0, g);
                boolean adjX = op.attributes().getBoolean("adj_x", false);
                if (lhs.length < 2) {
                    return 0;
                }
                return outElems * lhs[adjX ? lhs.length - 2 : lhs.length - 1];
            }
            default:
                return 0;
        }
    }

    private static int[] shapeOf(OpInfo op, int input, Graph g) {
        if (input >= op.inputCount() || op.input(input) < 0) {
            return new int[0];
        }
        return g.tensor(op.input(input)).shape();
    }
}
