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

    /**
     * Checks {@code op}, which sits in subgraph {@code subgraph} of {@code subgraphCount}.
     */
    static void check(String label, OpInfo op, List<TensorInfo> tensors, int subgraph, int subgraphCount)
            throws ModelFormatException {
        OpAttributes a = op.attributes();
        switch (op.builtinCode()) {
            case BuiltinOperator.IF -> requireSubgraphs(label, a, subgraph, subgraphCount, "then_subgraph_index",
                    "else_subgraph_index");
            case BuiltinOperator.WHILE -> requireSubgraphs(label, a, subgraph, subgraphCount, "cond_subgraph_index",
                    "body_subgraph_index");
            case BuiltinOperator.CALL_ONCE -> requireSubgraphs(label, a, subgraph, subgraphCount,
                    "init_subgraph_index");
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
        checkDataTypes(label, op, tensors);
        checkElementwiseShapes(label, op, tensors);
        if (op.builtinCode() == BuiltinOperator.ADD || op.builtinCode() == BuiltinOperator.SUB) {
            checkAddSubScales(label, op, tensors);
        }
        if (op.outputCount() == 0 && !op.isCustom() && op.builtinCode() != BuiltinOperator.ASSIGN_VARIABLE
                && op.builtinCode() != BuiltinOperator.CALL_ONCE) {
            throw new ModelFormatException(label + ": has no outputs");
        }
    }

    /**
     * Control flow names other subgraphs by index; TFLite indexes its subgraph list with them, and a subgraph that
     * calls itself recurses without end.
     */
    private static void requireSubgraphs(String label, OpAttributes a, int subgraph, int subgraphCount,
                                         String... keys) throws ModelFormatException {
        for (String k : keys) {
            if (!a.has(k)) {
                throw new ModelFormatException(label + ": has no " + k + " (options missing)");
            }
            int v = a.getInt(k, -1);
            if (v < 0 || v >= subgraphCount) {
                throw new ModelFormatException(label + ": " + k + " " + v + " out of range [0, " + subgraphCount + ")");
            }
            if (v == subgraph) {
                throw new ModelFormatException(label + ": " + k + " " + v + " is the operator's own subgraph");
            }
        }
    }

    /**
     * Subgraphs calling each other in a cycle (A runs B, B runs A) make TFLite's prepare recurse until the stack
     * overflows, so the call graph of IF/WHILE/CALL_ONCE must be acyclic.
     */
    static void checkCallGraph(List<Graph> graphs) throws ModelFormatException {
        int[] state = new int[graphs.size()]; // 0 = unvisited, 1 = on the current path, 2 = done
        for (int g = 0; g < graphs.size(); g++) {
            visit(g, graphs, state);
        }
    }

    private static void visit(int g, List<Graph> graphs, int[] state) throws ModelFormatException {
        if (state[g] == 2) {
            return;
        }
        if (state[g] == 1) {
            throw new ModelFormatException("subgraph #" + g + " calls itself through control flow (IF/WHILE/CALL_ONCE)");
        }
        state[g] = 1;
        for (OpInfo op : graphs.get(g).operators()) {
            for (var e : op.attributes().asMap().entrySet()) {
                if (e.getKey().endsWith("_subgraph_index") && e.getValue() instanceof Integer callee) {
                    visit(callee, graphs, state);
                }
            }
        }
        state[g] = 2;
    }

    /**
     * Operators that move or transform elements without changing their type: the data input and every output
     * must have one type. TFLite's kernels copy {@code input->bytes} into the output after checking element counts
     * only; a mutated model whose RESHAPE input turned float64 overran the int8 output's heap block
     * ("malloc(): invalid size", abort).
     */
    private static void checkDataTypes(String label, OpInfo op, List<TensorInfo> tensors)
            throws ModelFormatException {
        if (op.isCustom() || op.inputCount() == 0 || op.outputCount() == 0) {
            return;
        }
        int[] dataInputs;
        switch (op.builtinCode()) {
            case BuiltinOperator.RESHAPE, BuiltinOperator.SQUEEZE, BuiltinOperator.EXPAND_DIMS,
                 BuiltinOperator.TRANSPOSE, BuiltinOperator.PAD, BuiltinOperator.PADV2, BuiltinOperator.MIRROR_PAD,
                 BuiltinOperator.STRIDED_SLICE, BuiltinOperator.SLICE, BuiltinOperator.TILE, BuiltinOperator.GATHER,
                 BuiltinOperator.GATHER_ND, BuiltinOperator.SPACE_TO_DEPTH, BuiltinOperator.DEPTH_TO_SPACE,
                 BuiltinOperator.SPACE_TO_BATCH_ND, BuiltinOperator.BATCH_TO_SPACE_ND, BuiltinOperator.UNPACK,
                 BuiltinOperator.SPLIT_V, BuiltinOperator.RELU, BuiltinOperator.RELU6, BuiltinOperator.RELU_N1_TO_1,
                 BuiltinOperator.LEAKY_RELU, BuiltinOperator.HARD_SWISH, BuiltinOperator.MAX_POOL_2D,
                 BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.RESIZE_BILINEAR,
                 BuiltinOperator.RESIZE_NEAREST_NEIGHBOR, BuiltinOperator.REVERSE_V2, BuiltinOperator.BROADCAST_TO,
                 BuiltinOperator.ZEROS_LIKE -> dataInputs = new int[] {0};
            case BuiltinOperator.SPLIT -> dataInputs = new int[] {1}; // input 0 is the axis
            case BuiltinOperator.ADD, BuiltinOperator.SUB, BuiltinOperator.MUL, BuiltinOperator.MAXIMUM,
                 BuiltinOperator.MINIMUM -> dataInputs = new int[] {0, 1};
            case BuiltinOperator.CONCATENATION, BuiltinOperator.PACK -> {
                dataInputs = new int[op.inputCount()];
                for (int i = 0; i < dataInputs.length; i++) {
                    dataInputs[i] = i;
                }
            }
            default -> {
                return;
            }
        }
        TensorInfo out = tensors.get(op.output(0));
        for (int i : dataInputs) {
            if (i < op.inputCount() && op.input(i) >= 0) {
                TensorInfo in = tensors.get(op.input(i));
                if (in.dataType() != out.dataType()) {
                    throw new ModelFormatException(label + ": input " + i + " tensor #" + in.index() + " '" + in.name()
                            + "' is " + in.dataType().label() + " but output tensor #" + out.index() + " '"
                            + out.name() + "' is " + out.dataType().label() + "; expected one type");
                }
            }
        }
        for (int o = 1; o < op.outputCount(); o++) {
            TensorInfo other = tensors.get(op.output(o));
            if (other.dataType() != out.dataType()) {
                throw new ModelFormatException(label + ": output " + o + " tensor #" + other.index() + " '"
                        + other.name() + "' is " + other.dataType().label() + ", output 0 is " + out.dataType().label()
                        + "; expected one type");
            }
        }
    }

    /**
     * Quantized ADD/SUB rescale both inputs to twice the larger input scale, shifted left by 20 bits (15 for int16),
     * and TFLite requires every multiplier ({@code s_i / (2 max(s1, s2))} and {@code 2 max(s1, s2) / (2^shift s_out)})
     * to lie in (0, 1): {@code TFLITE_CHECK} in QuantizeMultiplierSmallerThanOneExp, an abort, not an error status.
     */
    private static void checkAddSubScales(String label, OpInfo op, List<TensorInfo> tensors)
            throws ModelFormatException {
        if (op.inputCount() < 2 || op.outputCount() < 1 || op.input(0) < 0 || op.input(1) < 0) {
            return;
        }
        TensorInfo a = tensors.get(op.input(0));
        TensorInfo b = tensors.get(op.input(1));
        TensorInfo out = tensors.get(op.output(0));
        if (!out.dataType().isQuantizedType() || !a.quantization().isPerTensor() || !b.quantization().isPerTensor()
                || !out.quantization().isPerTensor()) {
            return;
        }
        int leftShift = out.dataType() == io.edgert.runtime.DataType.INT16 ? 15 : 20;
        float sa = a.quantization().scale();
        float sb = b.quantization().scale();
        // Same arithmetic as add.cc: the products are float (int x float), then widened to double. An output scale
        // of 1e33 made (1 << 20) x scale overflow to infinity, the multiplier 0, and TFLITE_CHECK_GT abort.
        double twiceMax = 2 * Math.max(sa, sb);
        double outputMultiplier = twiceMax / ((1 << leftShift) * out.quantization().scale());
        boolean inputsOk = sa / twiceMax > 0 && sb / twiceMax > 0;
        if (!inputsOk || !(outputMultiplier > 0 && outputMultiplier < 1.0)) {
            throw new ModelFormatException(label + ": output scale " + out.quantization().scale() + " of tensor #"
                    + out.index() + " '" + out.name() + "' does not fit input scales " + sa + " and " + sb
                    + ": TFLite needs both input scales positive and the output multiplier 2 max(s1, s2) / (2^"
                    + leftShift + " s_out) = " + outputMultiplier + " in (0, 1)");
        }
    }

    /**
     * Element-wise operators give their output the input's shape (binary ones: the broadcast of both), and TFLite
     * resizes the output to that in Prepare whatever the file declares. A consumer planned against the declared
     * shape then meets another rank: a QUANTIZE whose input turned rank 4 fed a rank-3 LSTM input, and TFLite
     * aborted on "input->dims->size >= 2 && input->dims->size <= 3". So the declared shape must be the real one.
     */
    private static void checkElementwiseShapes(String label, OpInfo op, List<TensorInfo> tensors)
            throws ModelFormatException {
        if (op.isCustom() || op.outputCount() < 1 || op.inputCount() < 1 || op.input(0) < 0) {
            return;
        }
        int[] expected;
        switch (op.builtinCode()) {
            case BuiltinOperator.QUANTIZE, BuiltinOperator.DEQUANTIZE, BuiltinOperator.RELU, BuiltinOperator.RELU6,
                 BuiltinOperator.RELU_N1_TO_1, BuiltinOperator.LEAKY_RELU, BuiltinOperator.HARD_SWISH,
                 BuiltinOperator.LOGISTIC, BuiltinOperator.TANH, BuiltinOperator.SOFTMAX, BuiltinOperator.ABS,
                 BuiltinOperator.NEG, BuiltinOperator.EXP, BuiltinOperator.LOG, BuiltinOperator.SQRT,
                 BuiltinOperator.RSQRT, BuiltinOperator.SQUARE, BuiltinOperator.CAST, BuiltinOperator.ELU,
                 BuiltinOperator.FLOOR, BuiltinOperator.CEIL, BuiltinOperator.ROUND, BuiltinOperator.LOG_SOFTMAX ->
                    expected = tensors.get(op.input(0)).shape();
            case BuiltinOperator.ADD, BuiltinOperator.SUB, BuiltinOperator.MUL, BuiltinOperator.DIV,
                 BuiltinOperator.MAXIMUM, BuiltinOperator.MINIMUM, BuiltinOperator.SQUARED_DIFFERENCE -> {
                if (op.inputCount() < 2 || op.input(1) < 0) {
                    return;
                }
                expected = broadcast(tensors.get(op.input(0)).shape(), tensors.get(op.input(1)).shape());
                if (expected == null) {
                    throw new ModelFormatException(label + ": input shapes "
                            + java.util.Arrays.toString(tensors.get(op.input(0)).shape()) + " and "
                            + java.util.Arrays.toString(tensors.get(op.input(1)).shape()) + " do not broadcast");
                }
            }
            case BuiltinOperator.RESHAPE, BuiltinOperator.SQUEEZE, BuiltinOperator.EXPAND_DIMS -> {
                // Pure re-labelling of the same elements: TFLite copies input->bytes into the output.
                TensorInfo in = tensors.get(op.input(0));
                TensorInfo out = tensors.get(op.output(0));
                if (in.elementCount() != out.elementCount()) {
                    throw new ModelFormatException(label + ": output tensor #" + out.index() + " '" + out.name()
                            + "' " + java.util.Arrays.toString(out.shape()) + " has " + out.elementCount()
                            + " elements, input tensor #" + in.index() + " '" + in.name() + "' "
                            + java.util.Arrays.toString(in.shape()) + " has " + in.elementCount()
                            + "; expected the same count");
                }
                return;
            }
            default -> {
                return;
            }
        }
        TensorInfo out = tensors.get(op.output(0));
        if (!java.util.Arrays.equals(expected, out.shape())) {
            throw new ModelFormatException(label + ": output tensor #" + out.index() + " '" + out.name() + "' has shape "
                    + java.util.Arrays.toString(out.shape()) + ", expected " + java.util.Arrays.toString(expected)
                    + " from its input" + (op.inputCount() > 1 && expected.length > 0 ? "s" : ""));
        }
    }

    /** NumPy broadcasting of two shapes, or null when they do not broadcast. */
    static int[] broadcast(int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] r = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            int db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            r[i] = da == 1 ? db : da;
        }
        return r;
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

    /**
     * Strides, dilations, filter sizes and depth multipliers must be in [1, 32767]: kernels divide by them, and
     * TFLite's ConvParams/DepthwiseParams hold them as int16_t. A mutated stride_w of 65537 became 1 in the kernel
     * while the output had been sized for 65537, and the kernel overran the heap.
     */
    private static void requirePositive(String label, OpAttributes a, String... keys) throws ModelFormatException {
        for (String k : keys) {
            if (!a.has(k)) {
                continue;
            }
            int v = a.getInt(k, 1);
            if (v <= 0) {
                throw new ModelFormatException(label + ": " + k + " must be positive, got " + v);
            }
            if (v > Short.MAX_VALUE) {
                throw new ModelFormatException(label + ": " + k + " " + v + " exceeds " + Short.MAX_VALUE
                        + ", the int16 range TFLite's kernels keep it in");
            }
        }
    }
}
