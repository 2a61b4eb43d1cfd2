package io.edgert.runtime.io;

import io.edgert.runtime.DataType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** An n-dimensional array as stored in a NumPy {@code .npy} file: shape, element type and little-endian C-order bytes. */
public record NpyArray(int[] shape, DataType dataType, byte[] data) {
    public NpyArray {
        shape = shape.clone();
        long expected = io.edgert.runtime.TensorLayout.byteSize(shape, dataType);
        if (expected != data.length) {
            throw new IllegalArgumentException("expected " + expected + " bytes for shape "
                    + java.util.Arrays.toString(shape) + " " + dataType.label() + ", got " + data.length);
        }
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    public long elementCount() {
        return io.edgert.runtime.TensorLayout.elementCount(shape);
    }

    /** Little-endian view of the data. */
    public ByteBuffer buffer() {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    public static NpyArray ofFloats(int[] shape, float[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return new NpyArray(shape, DataType.FLOAT32, b.array());
    }

    /** The values as floats; only for float32 arrays. */
    public float[] toFloats() {
        if (dataType != DataType.FLOAT32) {
            throw new IllegalStateException("expected a float32 array, got " + dataType.label());
        }
        float[] r = new float[(int) elementCount()];
        buffer().asFloatBuffer().get(r);
        return r;
    }
}
