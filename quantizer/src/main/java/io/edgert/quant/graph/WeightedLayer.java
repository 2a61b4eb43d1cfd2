package io.edgert.quant.graph;

import org.tensorflow.lite.schema.OperatorT;

/**
 * A quantized CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED as the rewriter left it: what bias correction and the
 * report need (float and quantized weights, scales, tensor indices).
 */
public record WeightedLayer(OperatorT op, int builtinCode, String name, int inputTensor, int outputTensor,
                            int weightTensor, int biasTensor, int[] weightShape, int axis, float[] floatWeights,
                            WeightQuantizer.Result quantized, float inputScale) {
    /** The output channel count (the bias length). */
    public int outputChannels() {
        return weightShape[axis];
    }
}
