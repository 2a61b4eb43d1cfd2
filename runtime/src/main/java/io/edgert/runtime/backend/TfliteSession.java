package io.edgert.runtime.backend;

import io.edgert.runtime.DataType;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Quantization;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.OpResolver;
import org.bytedeco.tensorflowlite.TfLiteAffineQuantization;
import org.bytedeco.tensorflowlite.TfLiteIntArray;
import org.bytedeco.tensorflowlite.TfLiteTensor;
import org.bytedeco.tensorflowlite.global.tensorflowlite;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One TFLite interpreter. Lifetimes follow DESIGN.md: the model bytes, FlatBufferModel, op resolver and interpreter
 * stay alive together and are released in reverse order. {@code BuildFromBuffer} does not copy, so the session
 * keeps the {@link Model} (and with it the mapped bytes) reachable.
 */
final class TfliteSession implements BackendSession {
    private final String backendName;
    private final Model model;
    private final BytePointer bytes;
    private final FlatBufferModel flatBufferModel;
    private final OpResolver resolver;
    private final Interpreter interpreter;
    private final int[] inputIndices;
    private final int[] outputIndices;
    private TensorSpec[] inputSpecs;
    private TensorSpec[] outputSpecs;
    private ByteBuffer[] inputBuffers;
    private ByteBuffer[] outputBuffers;

    private TfliteSession(String backendName, Model model, BytePointer bytes, FlatBufferModel fbm, OpResolver resolver,
                          Interpreter interpreter) {
        this.backendName = backendName;
        this.model = model;
        this.bytes = bytes;
        this.flatBufferModel = fbm;
        this.resolver = resolver;
        this.interpreter = interpreter;
        this.inputIndices = toArray(interpreter.inputs());
        this.outputIndices = toArray(interpreter.outputs());
        refresh();
    }

    static TfliteSession create(String backendName, Model model, OpResolver resolver, int threads) throws EdgertException {
        ByteBuffer buf = model.buffer();
        BytePointer bytes = new BytePointer(buf);
        bytes.capacity(buf.capacity());
        FlatBufferModel fbm = FlatBufferModel.BuildFromBuffer(bytes, buf.capacity());
        if (fbm == null || fbm.isNull()) {
            bytes.close();
            throw new EdgertException("TensorFlow Lite refused the model " + model.source()
                    + " (its FlatBuffer verifier failed; see the TFLite message above)");
        }
        Interpreter interpreter = new Interpreter((org.bytedeco.javacpp.Pointer) null);
        try (InterpreterBuilder builder = new InterpreterBuilder(fbm, resolver)) {
            builder.SetNumThreads(threads);
            if (builder.apply(interpreter) != tensorflowlite.kTfLiteOk || interpreter.isNull()) {
                throw new EdgertException("TensorFlow Lite could not build an interpreter for " + model.source()
                        + warningsHint(model));
            }
            if (interpreter.AllocateTensors() != tensorflowlite.kTfLiteOk) {
                throw new EdgertException("TensorFlow Lite could not allocate tensors for " + model.source()
                        + warningsHint(model));
            }
        } catch (EdgertException | RuntimeException e) {
            interpreter.close();
            fbm.close();
            bytes.close();
            throw e;
        }
        return new TfliteSession(backendName, model, bytes, fbm, resolver, interpreter);
    }

    private static String warningsHint(Model model) {
        return model.warnings().isEmpty() ? "" : " (edgert accepted it with warnings that stock TFLite treats as errors: "
                + String.join("; ", model.warnings()) + ")";
    }

    private static int[] toArray(IntPointer vectorData) {
        // Interpreter::inputs() returns a std::vector<int>; JavaCPP maps it to a pointer whose limit is the size.
        long n = vectorData.limit() - vectorData.position();
        int[] r = new int[(int) n];
        vectorData.get(r);
        return r;
    }

    /** Re-reads shapes and data pointers: TFLite may move tensors on resize and allocation. */
    private void refresh() {
        inputSpecs = new TensorSpec[inputIndices.length];
        inputBuffers = new ByteBuffer[inputIndices.length];
        for (int i = 0; i < inputIndices.length; i++) {
            TfLiteTensor t = interpreter.tensor(inputIndices[i]);
            inputSpecs[i] = spec(t);
            inputBuffers[i] = buffer(t);
        }
        outputSpecs = new TensorSpec[outputIndices.length];
        outputBuffers = new ByteBuffer[outputIndices.length];
        for (int i = 0; i < outputIndices.length; i++) {
            TfLiteTensor t = interpreter.tensor(outputIndices[i]);
            outputSpecs[i] = spec(t);
            outputBuffers[i] = buffer(t);
        }
    }

    private TensorSpec spec(TfLiteTensor t) {
        TfLiteIntArray dims = t.dims();
        int[] shape = new int[dims.size()];
        for (int d = 0; d < shape.length; d++) {
            shape[d] = dims.data(d);
        }
        String name = t.name() == null || t.name().isNull() ? "" : t.name().getString();
        DataType type = fromTfLiteType(t.type());
        return new TensorSpec(name, shape, type, quantization(t));
    }

    private static Quantization quantization(TfLiteTensor t) {
        if (t.quantization().type() != tensorflowlite.kTfLiteAffineQuantization || t.quantization().params() == null
                || t.quantization().params().isNull()) {
            return Quantization.NONE;
        }
        TfLiteAffineQuantization aq = new TfLiteAffineQuantization(t.quantization().params());
        int n = aq.scale().size();
        FloatPointer sp = new FloatPointer(aq.scale().data());
        IntPointer zp = aq.zero_point().data();
        float[] scales = new float[n];
        long[] zeros = new long[n];
        for (int i = 0; i < n; i++) {
            scales[i] = sp.get(i);
            zeros[i] = zp.get(i);
        }
        return n == 0 ? Quantization.NONE : new Quantization(scales, zeros, aq.quantized_dimension());
    }

    private static ByteBuffer buffer(TfLiteTensor t) {
        long bytes = t.bytes();
        BytePointer p = t.data().raw();
        if (p == null || p.isNull() || bytes == 0) {
            return ByteBuffer.allocateDirect(0).order(ByteOrder.nativeOrder());
        }
        p.capacity(bytes);
        return p.asByteBuffer().order(ByteOrder.nativeOrder());
    }

    static DataType fromTfLiteType(int type) {
        return switch (type) {
            case tensorflowlite.kTfLiteFloat32 -> DataType.FLOAT32;
            case tensorflowlite.kTfLiteInt32 -> DataType.INT32;
            case tensorflowlite.kTfLiteUInt8 -> DataType.UINT8;
            case tensorflowlite.kTfLiteInt64 -> DataType.INT64;
            case tensorflowlite.kTfLiteString -> DataType.STRING;
            case tensorflowlite.kTfLiteBool -> DataType.BOOL;
            case tensorflowlite.kTfLiteInt16 -> DataType.INT16;
            case tensorflowlite.kTfLiteInt8 -> DataType.INT8;
            case tensorflowlite.kTfLiteFloat16 -> DataType.FLOAT16;
            case tensorflowlite.kTfLiteFloat64 -> DataType.FLOAT64;
            case tensorflowlite.kTfLiteUInt32 -> DataType.UINT32;
            case tensorflowlite.kTfLiteUInt16 -> DataType.UINT16;
            default -> throw new IllegalStateException("TFLite tensor type " + type + " has no edgert equivalent");
        };
    }

    @Override
    public int inputCount() {
        return inputIndices.length;
    }

    @Override
    public int outputCount() {
        return outputIndices.length;
    }

    @Override
    public TensorSpec input(int i) {
        return inputSpecs[i];
    }

    @Override
    public TensorSpec output(int i) {
        return outputSpecs[i];
    }

    @Override
    public ByteBuffer inputBuffer(int i) {
        return inputBuffers[i];
    }

    @Override
    public ByteBuffer outputBuffer(int i) {
        return outputBuffers[i];
    }

    @Override
    public void resizeInput(int i, int[] shape) throws EdgertException {
        if (interpreter.ResizeInputTensor(inputIndices[i], shape) != tensorflowlite.kTfLiteOk) {
            throw new EdgertException("TensorFlow Lite could not resize input " + i + " to "
                    + java.util.Arrays.toString(shape));
        }
        if (interpreter.AllocateTensors() != tensorflowlite.kTfLiteOk) {
            throw new EdgertException("TensorFlow Lite could not allocate tensors after resizing input " + i + " to "
                    + java.util.Arrays.toString(shape));
        }
        refresh();
    }

    @Override
    public void run() throws EdgertException {
        if (interpreter.Invoke() != tensorflowlite.kTfLiteOk) {
            throw new EdgertException("TensorFlow Lite failed to run " + model.source());
        }
    }

    /** Extent of the non-persistent arena: TFLite places every kTfLiteArenaRw tensor inside one block. */
    @Override
    public long arenaBytes() {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        long n = interpreter.tensors_size();
        for (int i = 0; i < n; i++) {
            TfLiteTensor t = interpreter.tensor(i);
            if (t == null || t.isNull() || t.allocation_type() != tensorflowlite.kTfLiteArenaRw) {
                continue;
            }
            BytePointer p = t.data().raw();
            if (p == null || p.isNull() || t.bytes() == 0) {
                continue;
            }
            lo = Math.min(lo, p.address());
            hi = Math.max(hi, p.address() + t.bytes());
        }
        return lo == Long.MAX_VALUE ? 0 : hi - lo;
    }

    @Override
    public String backendName() {
        return backendName;
    }

    @Override
    public void close() {
        interpreter.close();
        resolver.close();
        flatBufferModel.close();
        bytes.close();
    }
}
