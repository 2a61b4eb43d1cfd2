package io.edgert.quant.graph;

import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.TensorT;

import java.util.Arrays;

/**
 * Constant tensor data in the schema object API, where a buffer is an {@code int[]} of unsigned bytes
 * (little-endian values).
 */
public final class Buffers {
    private Buffers() {
    }

    public static boolean isConstant(ModelT m, TensorT t) {
        long b = t.getBuffer();
        if (b <= 0 || b >= m.getBuffers().length) {
            return false;
        }
        int[] d = m.getBuffers()[(int) b].getData();
        return d != null && d.length > 0;
    }

    public static float[] floats(ModelT m, TensorT t) {
        int[] d = m.getBuffers()[(int) t.getBuffer()].getData();
        float[] r = new float[d.length / 4];
        for (int i = 0; i < r.length; i++) {
            int bits = (d[4 * i] & 0xff) | (d[4 * i + 1] & 0xff) << 8 | (d[4 * i + 2] & 0xff) << 16 | (d[4 * i + 3] & 0xff) << 24;
            r[i] = Float.intBitsToFloat(bits);
        }
        return r;
    }

    public static int[] ofFloats(float[] v) {
        int[] d = new int[v.length * 4];
        for (int i = 0; i < v.length; i++) {
            putInt(d, i, Float.floatToRawIntBits(v[i]));
        }
        return d;
    }

    public static int[] ofInts(int[] v) {
        int[] d = new int[v.length * 4];
        for (int i = 0; i < v.length; i++) {
            putInt(d, i, v[i]);
        }
        return d;
    }

    public static int[] ofBytes(byte[] v) {
        int[] d = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i] & 0xff;
        }
        return d;
    }

    private static void putInt(int[] d, int i, int bits) {
        d[4 * i] = bits & 0xff;
        d[4 * i + 1] = (bits >>> 8) & 0xff;
        d[4 * i + 2] = (bits >>> 16) & 0xff;
        d[4 * i + 3] = (bits >>> 24) & 0xff;
    }

    /** Appends a buffer with this data and returns its index. */
    public static int add(ModelT m, int[] data) {
        BufferT b = new BufferT();
        b.setData(data);
        BufferT[] all = Arrays.copyOf(m.getBuffers(), m.getBuffers().length + 1);
        all[all.length - 1] = b;
        m.setBuffers(all);
        return all.length - 1;
    }

    /** Replaces a tensor's data in its own buffer (the caller has made sure no other tensor shares it). */
    public static void set(ModelT m, TensorT t, int[] data) {
        m.getBuffers()[(int) t.getBuffer()].setData(data);
    }

    public static void setFloats(ModelT m, TensorT t, float[] v) {
        set(m, t, ofFloats(v));
    }

    /** Empties every buffer that no tensor refers to any more (weights replaced by their quantized copies). */
    public static void dropUnused(ModelT m) {
        boolean[] used = new boolean[m.getBuffers().length];
        for (var g : m.getSubgraphs()) {
            for (TensorT t : g.getTensors()) {
                if (t.getBuffer() > 0 && t.getBuffer() < used.length) {
                    used[(int) t.getBuffer()] = true;
                }
            }
        }
        if (m.getMetadata() != null) {
            for (var md : m.getMetadata()) {
                if (md.getBuffer() > 0 && md.getBuffer() < used.length) {
                    used[(int) md.getBuffer()] = true;
                }
            }
        }
        if (m.getMetadataBuffer() != null) {
            for (int b : m.getMetadataBuffer()) {
                if (b > 0 && b < used.length) {
                    used[b] = true;
                }
            }
        }
        for (int i = 1; i < used.length; i++) {
            if (!used[i]) {
                m.getBuffers()[i].setData(new int[0]);
            }
        }
    }
}
