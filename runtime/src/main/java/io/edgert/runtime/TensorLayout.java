package io.edgert.runtime;

/** Shape arithmetic shared by the API and backends. */
public final class TensorLayout {
    private TensorLayout() {
    }

    /** Number of elements; 1 for a scalar (empty shape). */
    public static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, (long) d);
        }
        return n;
    }

    public static long byteSize(int[] shape, DataType type) {
        return Math.multiplyExact(elementCount(shape), (long) type.byteSize());
    }
}
