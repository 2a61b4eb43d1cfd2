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
