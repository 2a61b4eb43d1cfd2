package io.edgert.runtime.model;

import io.edgert.runtime.ModelFormatException;

import java.util.Arrays;
import java.util.List;

/**
 * Checks how tensors flow through a subgraph's operators: each tensor has at most one producer, nothing writes a
 * constant (its bytes are the read-only model file) or a graph input, an operator reads only tensors that exist
 * by then (graph inputs, constants, variables, or outputs of earlier operators), and no operator is dead.
 *
 * <p>Why in Java: TFLite trusts this. A mutated model where SOFTMAX also "wrote" another op's tensor crashed
 * XNNPACK's graph partitioner (SIGSEGV in PartitionGraphIntoIndependentNodeSubsets), and a kernel writing into a
 * constant writes into the mapped file.
 */
final class DataflowChecks {
    private DataflowChecks() {
    }

    static void check(String prefix, List<TensorInfo> tensors, List<OpInfo> ops, int[] graphInputs,
                      int[] graphOutputs) throws ModelFormatException {
        int n = tensors.size();
        // producer[t]: -2 = available from the start (graph input, constant, variable), -1 = not yet, else op index
        int[] producer = new int[n];
        Arrays.fill(producer, -1);
        boolean[] isGraphInput = new boolean[n];
        for (int t : graphInputs) {
            isGraphInput[t] = true;
            producer[t] = -2;
        }
        for (TensorInfo t : tensors) {
            if (t.isConstant() || t.isVariable()) {
                producer[t.index()] = -2;
            }
        }
        for (int t : graphInputs) {
            requireNonEmpty(prefix + "graph input", tensors.get(t));
        }
        for (OpInfo op : ops) {
            String label = prefix + "operator #" + op.index() + " (" + op.type() + ")";
            for (int i = 0; i < op.inputCount(); i++) {
                int t = op.input(i);
                if (t >= 0 && producer[t] == -1) {
                    throw new ModelFormatException(label + " input " + i + ": " + describe(tensors.get(t))
                            + " is read before any operator produces it (it is not a graph input, constant or variable)");
                }
            }
            for (int o = 0; o < op.outputCount(); o++) {
                TensorInfo t = tensors.get(op.output(o));
                String what = label + " output " + o + ": " + describe(t);
                if (t.isConstant()) {
                    throw new ModelFormatException(what + " is a constant (buffer #" + t.buffer() + "); expected an "
                            + "activation tensor");
                }
                if (isGraphInput[t.index()]) {
                    throw new ModelFormatException(what + " is a graph input; expected an activation tensor");
                }
                if (producer[t.index()] >= 0) {
                    throw new ModelFormatException(what + " is already produced by operator #" + producer[t.index()]
                            + "; expected one producer per tensor");
                }
                requireNonEmpty(label + " output " + o, t);
                if (!t.isVariable()) {
                    producer[t.index()] = op.index();
                }
            }
        }
        checkNoDeadOperators(prefix, tensors, ops, graphOutputs);
    }

    /**
     * Every operator with outputs must have one that is used: read by an operator or a graph output. TFLite 2.20's
     * XNNPACK delegate dereferences a missing consumer in {@code xnn_subgraph_fusion} (SIGSEGV) when a delegated
     * operator's result goes nowhere; a converter never writes such an operator.
     */
    private static void checkNoDeadOperators(String prefix, List<TensorInfo> tensors, List<OpInfo> ops,
                                             int[] graphOutputs) throws ModelFormatException {
        boolean[] used = new boolean[tensors.size()];
        for (int t : graphOutputs) {
            used[t] = true;
        }
        for (OpInfo op : ops) {
            for (int t : op.inputs()) {
                if (t >= 0) {
                    used[t] = true;
                }
            }
        }
        for (OpInfo op : ops) {
            if (op.outputCount() == 0) {
                continue;
            }
            boolean anyUsed = false;
            for (int t : op.outputs()) {
                anyUsed |= used[t] || tensors.get(t).isVariable();
            }
            if (!anyUsed) {
                throw new ModelFormatException(prefix + "operator #" + op.index() + " (" + op.type() + "): none of its "
                        + "outputs " + java.util.Arrays.toString(op.outputs()) + " is read by another operator or is a "
                        + "graph output; expected no dead operators");
            }
        }
    }

    /**
     * Activations must have at least one element: TFLite 2.20's int8 depthwise conv crashed on a batch-0 input.
     * Sessions refuse resizing an input to a zero dimension for the same reason.
     */
    private static void requireNonEmpty(String where, TensorInfo t) throws ModelFormatException {
        for (int d = 0; d < t.rank(); d++) {
            if (t.dim(d) == 0) {
                throw new ModelFormatException(where + ": " + describe(t) + " has shape "
                        + java.util.Arrays.toString(t.shape()) + "; expected no zero dimension in an activation");
            }
        }
    }

    private static String describe(TensorInfo t) {
        return "tensor #" + t.index() + " '" + t.name() + "'";
    }
}
