package io.edgert.runtime.model;

import io.edgert.runtime.ModelFormatException;
import org.tensorflow.lite.schema.BuiltinOperator;

import java.util.List;

/**
 * Structural checks of the operators whose kernels trust their parameters: tensor counts, ranks, strides and
 * filter sizes. These are the values a native kernel divides by or indexes with, so they are checked in Java.
 */
final class OpChecks {
    private OpChecks() {
    }

    static void check(String label, OpInfo op, List<TensorInfo> tensors, int subgraphCount) throws ModelFormatException {
        OpAttributes a = op.attributes();
        switch (op.builtinCode()) {
            case BuiltinOperator.CONV_2D, BuiltinOperator.DEPTHWISE_CONV_2D -> {
                requireInputs(label, op, 2, 3);
                requireRank(label, op, tensors, 0, 4, "input");
                requireRank(label, op, tensors, 1, 4, "filter");
                requirePositive(label, a, "stride_w", "stride_h", "dilation_w_factor", "dilation_h_factor");
                if (op.builtinCode() == BuiltinOperator.DEPTHWISE_CONV_2D) {
                    requirePositive(label, a, "depth_multiplier");
                }
            }
            case BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.MAX_POOL_2D, BuiltinOperator.L2_POOL_2D -> {
                requireInputs(label, op, 1, 1);
                requireRank(label, op, tensors, 0, 4, "input");
                requirePositive(label, a, "stride_w", "stride_h", "filter_width", "filter_height");
            }
            case BuiltinOperator.FULLY_CONNECTED -> {
                requireInputs(label, op, 2, 3);
                requireMinRank(label, op, tensors, 1, 2, "weights");
            }
            default -> {
            }
        }
        if (op.outputCount() == 0 && !op.isCustom() && op.builtinCode() != BuiltinOperator.ASSIGN_VARIABLE
                && op.builtinCode() != BuiltinOperator.CALL_ONCE) {
            throw new ModelFormatException(label + ": has no outputs");
        }
    }

    private static void requireInputs(String label, OpInfo op, int min, int max) throws ModelFormatException {
        if (op.inputCount() < min || op.inputCount() > max) {
            throw new ModelFormatException(label + ": expected " + (min == max ? min : min + " to " + max)
                    + " inputs, got " + op.inputCount());
        }
        for (int i = 0; i < min; i++) {
            if (op.input(i) < 0) {
                throw new ModelFormatException(label + ": required input " + i + " is omitted (-1)");
            }
        }
    }

    private static void requireRank(String label, OpInfo op, List<TensorInfo> tensors, int input, int rank, String what)
            throws ModelFormatException {
        TensorInfo t = tensors.get(op.input(input));
        if (t.rank() != rank) {
            throw new ModelFormatException(label + ": " + what + " tensor #" + t.index() + " '" + t.name()
                    + "' has rank " + t.rank() + ", expected " + rank);
        }
    }

    private static void requireMinRank(String label, OpInfo op, List<TensorInfo> tensors, int input, int rank,
                                       String what) throws ModelFormatException {
        TensorInfo t = tensors.get(op.input(input));
        if (t.rank() < rank) {
            throw new ModelFormatException(label + ": " + what + " tensor #" + t.index() + " '" + t.name()
                    + "' has rank " + t.rank() + ", expected at least " + rank);
        }
    }

    private static void requirePositive(String label, OpAttributes a, String... keys) throws ModelFormatException {
        for (String k : keys) {
            if (a.has(k) && a.getInt(k, 1) <= 0) {
                throw new ModelFormatException(label + ": " + k + " must be positive, got " + a.getInt(k, 0));
            }
        }
    }
}
