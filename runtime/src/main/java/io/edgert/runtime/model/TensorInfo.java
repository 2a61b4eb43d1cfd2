package io.edgert.runtime.model;

import io.edgert.runtime.DataType;
import io.edgert.runtime.Quantization;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor of a model's graph, as read and validated from the file. Constant tensors (weights, biases) carry a
 * read-only little-endian view of their bytes inside the model buffer; nothing is copied.
 */
public final class TensorInfo {
    private final int index;
    private final String name;
    private final int[] shape;
    private final int[] shapeSignature;
    private final DataType dataType;
    private final Quantization quantization;
    private final int buffer;
    private final ByteBuffer data;
    private final boolean variable;

    public TensorInfo(int index, String name, int[] shape, int[] shapeSignature, DataType dataType,
                      Quantization quantization, int buffer, ByteBuffer data, boolean variable) {
        this.index = index;
        this.name = name;
        this.shape = shape.clone();
        this.shapeSignature = shapeSignature == null ? null : shapeSignature.clone();
        this.dataType = dataType;
        this.quantization = quantization;
        this.buffer = buffer;
        this.data = data == null ? null : data.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        this.variable = variable;
    }

    public int index() {
        return index;
    }

    public String name() {
        return name;
    }

    public int[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** The shape with -1 for dimensions that may change (usually the batch), or null when the file has none. */
    public int[] shapeSignature() {
        return shapeSignature == null ? null : shapeSignature.clone();
    }

    public DataType dataType() {
        return dataType;
    }

    public Quantization quantization() {
        return quantization;
    }

    /** Index into the model's buffer table (0 is the conventional empty buffer). */
    public int buffer() {
        return buffer;
    }

    public boolean isConstant() {
        return data != null;
    }

    /** A fresh read-only little-endian view of the constant bytes, or null for activations. */
    public ByteBuffer data() {
        return data == null ? null : data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public boolean isVariable() {
        return variable;
    }

    public long elementCount() {
        return elementCount(shape);
    }

    public long byteSize() {
        return elementCount() * dataType.byteSize();
    }

    public static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public String toString() {
        return "#" + index + " '" + name + "' " + dataType.label() + Arrays.toString(shape)
                + (quantization.isQuantized() ? " " + quantization : "");
    }
}
