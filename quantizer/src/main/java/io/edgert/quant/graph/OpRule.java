package io.edgert.quant.graph;

import org.tensorflow.lite.schema.BuiltinOperator;

import java.util.Map;

/**
 * What the TFLite int8 spec asks of each op the quantizer supports: how its output parameters are chosen and the
 * lowest op version whose kernels take int8 (older versions in a float model are raised to it).
 */
public enum OpRule {
    /** CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: per-channel int8 weights, int32 bias, calibrated output. */
    WEIGHTED,
    /** Output parameters are calibrated independently of the inputs (ADD, MUL, MEAN, RELU...). */
    OWN,
    /** Output parameters must equal the input's (pools, reshapes, PAD, slices, TRANSPOSE). */
    SAME_AS_INPUT,
    /** All inputs and the output share one set of parameters (int8 CONCATENATION does not rescale). */
    SHARED,
    /** Output fixed at scale 1/256, zero point -128 (SOFTMAX, LOGISTIC). */
    FIXED_UNIT,
    /** Output fixed at scale 1/128, zero point 0 (TANH). */
    FIXED_TANH;

    public record Entry(OpRule rule, int int8Version) {
    }

    private static final Map<Integer, Entry> RULES = Map.ofEntries(
            Map.entry(BuiltinOperator.CONV_2D, new Entry(WEIGHTED, 3)),
            Map.entry(BuiltinOperator.DEPTHWISE_CONV_2D, new Entry(WEIGHTED, 3)),
            Map.entry(BuiltinOperator.FULLY_CONNECTED, new Entry(WEIGHTED, 4)),
            Map.entry(BuiltinOperator.ADD, new Entry(OWN, 2)),
            Map.entry(BuiltinOperator.SUB, new Entry(OWN, 2)),
            Map.entry(BuiltinOperator.MUL, new Entry(OWN, 2)),
            Map.entry(BuiltinOperator.MEAN, new Entry(OWN, 2)),
            Map.entry(BuiltinOperator.RELU, new Entry(OWN, 2)),
            Map.entry(BuiltinOperator.RELU6, new Entry(OWN, 2)),
            Map.entry(BuiltinOperator.LEAKY_RELU, new Entry(OWN, 2)),
            Map.entry(BuiltinOperator.HARD_SWISH, new Entry(OWN, 1)),
            Map.entry(BuiltinOperator.AVERAGE_POOL_2D, new Entry(SAME_AS_INPUT, 2)),
            Map.entry(BuiltinOperator.MAX_POOL_2D, new Entry(SAME_AS_INPUT, 2)),
            Map.entry(BuiltinOperator.RESHAPE, new Entry(SAME_AS_INPUT, 1)),
            Map.entry(BuiltinOperator.SQUEEZE, new Entry(SAME_AS_INPUT, 1)),
            Map.entry(BuiltinOperator.EXPAND_DIMS, new Entry(SAME_AS_INPUT, 1)),
            Map.entry(BuiltinOperator.PAD, new Entry(SAME_AS_INPUT, 2)),
            Map.entry(BuiltinOperator.STRIDED_SLICE, new Entry(SAME_AS_INPUT, 2)),
            Map.entry(BuiltinOperator.SLICE, new Entry(SAME_AS_INPUT, 2)),
            Map.entry(BuiltinOperator.TRANSPOSE, new Entry(SAME_AS_INPUT, 2)),
            Map.entry(BuiltinOperator.CONCATENATION, new Entry(SHARED, 2)),
            Map.entry(BuiltinOperator.SOFTMAX, new Entry(FIXED_UNIT, 2)),
            Map.entry(BuiltinOperator.LOGISTIC, new Entry(FIXED_UNIT, 2)),
            Map.entry(BuiltinOperator.TANH, new Entry(FIXED_TANH, 2)));

    /** The rule for a builtin code, or null when the op is not supported in int8 here. */
    public static Entry of(int builtinCode) {
        return RULES.get(builtinCode);
    }
}
