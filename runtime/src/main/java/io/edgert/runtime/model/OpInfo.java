package io.edgert.runtime.model;

import java.util.Arrays;

/** One operator of a model's graph: its type, tensor indices (-1 marks an omitted optional input) and attributes. */
public final class OpInfo {
    private final int index;
    private final int builtinCode;
    private final String customCode;
    private final int version;
    private final int[] inputs;
    private final int[] outputs;
    private final OpAttributes attributes;

    public OpInfo(int index, int builtinCode, String customCode, int version, int[] inputs, int[] outputs,
                  OpAttributes attributes) {
        this.index = index;
        this.builtinCode = builtinCode;
        this.customCode = customCode;
        this.version = version;
        this.inputs = inputs.clone();
        this.outputs = outputs.clone();
        this.attributes = attributes;
    }

    public int index() {
        return index;
    }

    /** The {@code BuiltinOperator} code; {@code BuiltinOperator.CUSTOM} for custom ops. */
    public int builtinCode() {
        return builtinCode;
    }

    /** The custom op name, or null for builtin ops. */
    public String customCode() {
        return customCode;
    }

    public boolean isCustom() {
        return customCode != null;
    }

    /** The builtin name ({@code CONV_2D}) or the custom code ({@code FakeOpDouble}). */
    public String type() {
        return isCustom() ? customCode : BuiltinOps.name(builtinCode);
    }

    public int version() {
        return version;
    }

    public int[] inputs() {
        return inputs.clone();
    }

    public int input(int i) {
        return inputs[i];
    }

    public int inputCount() {
        return inputs.length;
    }

    public int[] outputs() {
        return outputs.clone();
    }

    public int output(int i) {
        return outputs[i];
    }

    public int outputCount() {
        return outputs.length;
    }

    public OpAttributes attributes() {
        return attributes;
    }

    @Override
    public String toString() {
        return "op #" + index + " " + type() + " in=" + Arrays.toString(inputs) + " out=" + Arrays.toString(outputs)
                + (attributes.isEmpty() ? "" : " " + attributes);
    }
}
