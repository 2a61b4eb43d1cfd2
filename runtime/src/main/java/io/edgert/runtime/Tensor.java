package io.edgert.runtime;

import io.edgert.runtime.backend.BackendSession;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * An input or output of a {@link Session}. Data lives in the backend's native memory: {@link #buffer()} is a
 * zero-copy view of it, and the typed get/put methods copy with a size and type check. Float get/put on a quantized
 * tensor dequantizes/quantizes with its parameters ({@code real = scale * (q - zeroPoint)}).
 *
 * <p>A tensor belongs to its session: after the session is closed every method throws
 * {@link IllegalStateException}.
 */
public final class Tensor {
    private final Session session;
    private final boolean input;
    private final int index;

    Tensor(Session session, boolean input, int index) {
        this.session = session;
        this.input = input;
        this.index = index;
    }

    private BackendSession.TensorSpec spec() {
        BackendSession b = session.backend();
        return input ? b.input(index) : b.output(index);
    }

    public String name() {
        return spec().name();
    }

    public int[] shape() {
        return spec().shape();
    }

    public DataType dataType() {
        return spec().dataType();
    }

    public Quantization quantization() {
        return spec().quantization();
    }

    public boolean isInput() {
        return input;
    }

    /** Position among the session's inputs (or outputs). */
    public int index() {
        return index;
    }

    public long elementCount() {
        return TensorLayout.elementCount(spec().shape());
    }

    public int byteSize() {
        return (int) TensorLayout.byteSize(spec().shape(), spec().dataType());
    }

    /**
     * Zero-copy view of the tensor's memory (direct, native byte order, position 0). Invalidated by
     * {@link Session#resizeInput} and {@link Session#close}: fetch it again after those.
     */
    public ByteBuffer buffer() {
        BackendSession b = session.backend();
        ByteBuffer buf = input ? b.inputBuffer(index) : b.outputBuffer(index);
        return buf.duplicate().order(ByteOrder.nativeOrder());
    }

    // ---- raw bytes ----

    /** Copies exactly {@link #byteSize()} bytes in, whatever the element type. */
    public void putBytes(byte[] data) {
        requireLength(data.length, byteSize(), "bytes");
        buffer().put(data);
    }

    /** Copies exactly {@link #byteSize()} bytes from {@code src} (position to limit) in. */
    public void putBytes(ByteBuffer src) {
        requireLength(src.remaining(), byteSize(), "bytes");
        buffer().put(src.duplicate());
    }

    public byte[] getBytes() {
        byte[] r = new byte[byteSize()];
        buffer().get(r);
        return r;
    }

    // ---- typed access ----

    /** int8 elements. */
    public void putInt8(byte[] data) {
        requireType(DataType.INT8);
        putBytes(data);
    }

    public byte[] getInt8() {
        requireType(DataType.INT8);
        return getBytes();
    }

    /** uint8 elements as ints in [0, 255]. */
    public void putUint8(int[] data) {
        requireType(DataType.UINT8);
        requireLength(data.length, elementCount(), "elements");
        ByteBuffer b = buffer();
        for (int i = 0; i < data.length; i++) {
            int v = data[i];
            if (v < 0 || v > 255) {
                throw new IllegalArgumentException(label() + ": uint8 value " + v + " at element " + i + " outside [0, 255]");
            }
            b.put(i, (byte) v);
        }
    }

    public int[] getUint8() {
        requireType(DataType.UINT8);
        ByteBuffer b = buffer();
        int[] r = new int[(int) elementCount()];
        for (int i = 0; i < r.length; i++) {
            r[i] = Byte.toUnsignedInt(b.get(i));
        }
        return r;
    }

    public void putInt16(short[] data) {
        requireType(DataType.INT16);
        requireLength(data.length, elementCount(), "elements");
        buffer().asShortBuffer().put(data);
    }

    public short[] getInt16() {
        requireType(DataType.INT16);
        short[] r = new short[(int) elementCount()];
        buffer().asShortBuffer().get(r);
        return r;
    }

    public void putInt32(int[] data) {
        requireType(DataType.INT32);
        requireLength(data.length, elementCount(), "elements");
        buffer().asIntBuffer().put(data);
    }

    public int[] getInt32() {
        requireType(DataType.INT32);
        int[] r = new int[(int) elementCount()];
        buffer().asIntBuffer().get(r);
        return r;
    }

    /**
     * Float values in: copied for float32 tensors, quantized for int8/uint8/int16 tensors with per-tensor
     * parameters ({@code q = clamp(round(x / scale) + zeroPoint)}, rounding half away from zero as TFLite does).
     * NaN cannot be quantized and is refused.
     */
    public void putFloats(float[] data) {
        BackendSession.TensorSpec s = spec();
        requireLength(data.length, TensorLayout.elementCount(s.shape()), "elements");
        ByteBuffer b = buffer();
        DataType t = s.dataType();
        if (t == DataType.FLOAT32) {
            b.asFloatBuffer().put(data);
            return;
        }
        Quantization q = requirePerTensorQuantization(s);
        float scale = q.scale();
        long zp = q.zeroPoint();
        for (int i = 0; i < data.length; i++) {
            float x = data[i];
            if (Float.isNaN(x)) {
                throw new IllegalArgumentException(label() + ": NaN at element " + i + " cannot be quantized");
            }
            long v = Quantizer.quantize(x, scale, zp, t);
            switch (t) {
                case INT8, UINT8 -> b.put(i, (byte) v);
                case INT16 -> b.putShort(2 * i, (short) v);
                default -> throw new IllegalStateException();
            }
        }
    }

    /** Float values out: copied for float32, dequantized for quantized int8/uint8/int16/int32 tensors. */
    public float[] getFloats() {
        BackendSession.TensorSpec s = spec();
        int n = (int) TensorLayout.elementCount(s.shape());
        float[] r = new float[n];
        ByteBuffer b = buffer();
        DataType t = s.dataType();
        if (t == DataType.FLOAT32) {
            b.asFloatBuffer().get(r);
            return r;
        }
        Quantization q = requirePerTensorQuantization(s);
        float scale = q.scale();
        long zp = q.zeroPoint();
        for (int i = 0; i < n; i++) {
            long v = switch (t) {
                case INT8 -> b.get(i);
                case UINT8 -> Byte.toUnsignedInt(b.get(i));
                case INT16 -> b.getShort(2 * i);
                case INT32 -> b.getInt(4 * i);
                default -> throw new IllegalStateException();
            };
            r[i] = scale * (v - zp);
        }
        return r;
    }

    private Quantization requirePerTensorQuantization(BackendSession.TensorSpec s) {
        Quantization q = s.quantization();
        if (!q.isQuantized() || !q.isPerTensor()) {
            throw new IllegalArgumentException(label() + ": float access needs a float32 tensor or per-tensor quantized "
                    + "int8/uint8/int16/int32, got " + s.dataType().label() + " with quantization " + q);
        }
        if (s.dataType() != DataType.INT8 && s.dataType() != DataType.UINT8 && s.dataType() != DataType.INT16
                && s.dataType() != DataType.INT32) {
            throw new IllegalArgumentException(label() + ": float access on " + s.dataType().label() + " is not supported");
        }
        return q;
    }

    private void requireType(DataType expected) {
        DataType got = dataType();
        if (got != expected) {
            throw new IllegalArgumentException(label() + ": expected " + got.label() + " data (the tensor's type), got "
                    + expected.label() + " data");
        }
    }

    private void requireLength(long got, long expected, String unit) {
        if (got != expected) {
            throw new IllegalArgumentException(label() + " " + Arrays.toString(shape()) + " " + dataType().label()
                    + ": expected " + expected + " " + unit + ", got " + got);
        }
    }

    private String label() {
        return (input ? "input " : "output ") + index + " '" + name() + "'";
    }

    @Override
    public String toString() {
        if (session.isClosed()) {
            return "Tensor[closed]";
        }
        return label() + " " + dataType().label() + Arrays.toString(shape())
                + (quantization().isQuantized() ? " " + quantization() : "");
    }
}
