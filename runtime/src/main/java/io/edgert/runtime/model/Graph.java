package io.edgert.runtime.model;

import java.util.List;

/** One subgraph: its tensors, operators in execution order, and graph inputs/outputs (tensor indices). */
public final class Graph {
    private final String name;
    private final List<TensorInfo> tensors;
    private final List<OpInfo> operators;
    private final int[] inputs;
    private final int[] outputs;

    public Graph(String name, List<TensorInfo> tensors, List<OpInfo> operators, int[] inputs, int[] outputs) {
        this.name = name;
        this.tensors = List.copyOf(tensors);
        this.operators = List.copyOf(operators);
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
    }

    public String name() {
        return name;
    }

    public List<TensorInfo> tensors() {
        return tensors;
    }

    public TensorInfo tensor(int index) {
        return tensors.get(index);
    }

    public List<OpInfo> operators() {
        return operators;
    }

    public int[] inputs() {
        return inputs.clone();
    }

    public int[] outputs() {
        return outputs.clone();
    }

    public TensorInfo input(int i) {
        return tensors.get(inputs[i]);
    }

    public TensorInfo output(int i) {
        return tensors.get(outputs[i]);
    }
}
