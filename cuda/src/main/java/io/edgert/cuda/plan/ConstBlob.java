package io.edgert.cuda.plan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/** The constants uploaded once per session: every array starts 16-byte aligned; little-endian like the GPU. */
final class ConstBlob {
    static final int ALIGN = 16;
    private byte[] data = new byte[1 << 12];
    private int size;

    private int reserve(int bytes) {
        int off = (size + ALIGN - 1) / ALIGN * ALIGN;
        long end = (long) off + bytes;
        if (end > Integer.MAX_VALUE - ALIGN) {
            throw new IllegalStateException("CUDA constants over 2 GiB");
        }
        if (end > data.length) {
            data = Arrays.copyOf(data, (int) Math.max(end, Math.min((long) data.length * 2, Integer.MAX_VALUE - 64)));
        }
        size = (int) end;
        return off;
    }

    int bytes(ByteBuffer src) {
        ByteBuffer b = src.duplicate();
        int n = b.remaining();
        int off = reserve(n);
        b.get(data, off, n);
        return off;
    }

    int ints(int[] values) {
        int off = reserve(4 * values.length);
        ByteBuffer.wrap(data, off, 4 * values.length).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().put(values);
        return off;
    }

    int floats(float[] values) {
        int off = reserve(4 * values.length);
        ByteBuffer.wrap(data, off, 4 * values.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        return off;
    }

    byte[] toArray() {
        return Arrays.copyOf(data, Math.max(size, ALIGN));
    }
}
