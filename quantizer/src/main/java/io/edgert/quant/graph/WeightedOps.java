package io.edgert.quant.graph;

import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.TensorT;
import org.tensorflow.lite.schema.TensorType;

/** Graph queries on float CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED ops with constant float weights. */
final class WeightedOps {
    private WeightedOps() {
    }

    static int code(ModelT m, OperatorT op) {
        OperatorCodeT c = m.getOperatorCodes()[(int) op.getOpcodeIndex()];
        return Math.max(c.getBuiltinCode(), c.getDeprecatedBuiltinCode());
    }

    /** True for a conv, depthwise or FC whose weights are a float32 constant. */
    static boolean isWeighted(ModelT m, OperatorT op) {
        int c = code(m, op);
        if (c != BuiltinOperator.CONV_2D && c != BuiltinOperator.DEPTHWISE_CONV_2D && c != BuiltinOperator.FULLY_CONNECTED) {
            return false;
        }
        if (op.getInputs().length < 2 || op.getInputs()[1] < 0) {
            return false;
        }
        TensorT w = m.getSubgraphs()[0].getTensors()[op.getInputs()[1]];
        return w.getType() == TensorType.FLOAT32 && Buffers.isConstant(m, w);
    }

    static TensorT weights(ModelT m, OperatorT op) {
        return m.getSubgraphs()[0].getTensors()[op.getInputs()[1]];
    }

    /** The bias tensor, or null. */
    static TensorT bias(ModelT m, OperatorT op) {
        int[] in = op.getInputs();
        if (in.length < 3 || in[2] < 0) {
            return null;
        }
        TensorT b = m.getSubgraphs()[0].getTensors()[in[2]];
        return Buffers.isConstant(m, b) && b.getType() == TensorType.FLOAT32 ? b : null;
    }

    /** The fused activation, or -1 when the op has no options. */
    static int fusedActivation(OperatorT op) {
        if (op.getBuiltinOptions() == null) {
            return ActivationFunctionType.NONE;
        }
        Object v = op.getBuiltinOptions().getValue();
        if (v instanceof Conv2DOptionsT o) {
            return o.getFusedActivationFunction();
        }
        if (v instanceof DepthwiseConv2DOptionsT o) {
            return o.getFusedActivationFunction();
        }
        if (v instanceof FullyConnectedOptionsT o) {
            return o.getFusedActivationFunction();
        }
        return -1;
    }

    static String name(ModelT m, OperatorT op) {
        return m.getSubgraphs()[0].getTensors()[op.getOutputs()[0]].getName();
    }
}
