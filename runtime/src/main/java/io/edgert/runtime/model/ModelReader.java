package io.edgert.runtime.model;

import io.edgert.runtime.DataType;
import io.edgert.runtime.ModelFormatException;
import io.edgert.runtime.Quantization;
import org.tensorflow.lite.schema.Buffer;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Model;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.OperatorCode;
import org.tensorflow.lite.schema.QuantizationParameters;
import org.tensorflow.lite.schema.SubGraph;
import org.tensorflow.lite.schema.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and validates a {@code .tflite} FlatBuffer through the TFLite schema classes, without copying weights.
 *
 * <p>Everything a backend will trust is checked here, in Java, before native code sees the bytes: every FlatBuffer
 * offset and vector length reachable from the root ({@link FlatBufferVerifier}; TFLite's BuildFromBuffer does not
 * verify), buffer/tensor/operator/subgraph/metadata/signature indices, shapes against buffer sizes, quantization
 * parameter counts against the quantized dimension, operator codes, the options of the operators whose kernels
 * divide by or index with them ({@link OpChecks}), and how tensors flow between operators ({@link DataflowChecks}).
 * A violation is a {@link ModelFormatException} naming the tensor or operator and what is wrong. Oddities stock
 * TFLite refuses but edgert can run are warnings, one per kind ({@link ValidationWarnings}).
 */
public final class ModelReader {
    /** Largest tensor edgert accepts: 2 GiB, the FlatBuffer size limit. */
    private static final long MAX_TENSOR_BYTES = Integer.MAX_VALUE;
    private static final String IDENTIFIER = "TFL3";
    /**
     * Highest tensor rank accepted. TFLite's kernels assume small ranks (4 to 6, often with debug-only checks);
     * converters never write more than 6; a mutated rank-16 input reached a depthwise conv and crashed it.
     */
    static final int MAX_RANK = 8;

    private final ByteBuffer bytes;
    private final int size;
    private final ValidationWarnings warnings = new ValidationWarnings();
    private String where = "model header";

    private ModelReader(ByteBuffer bytes) {
        this.bytes = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        // Buffer's position(int): ByteBuffer's covariant override is Java 9+, not on Android
        ((java.nio.Buffer) this.bytes).position(0);
        this.size = this.bytes.limit();
    }

    /** The parsed and validated result. */
    public record Result(Model flatbuffer, List<Graph> subgraphs, List<String> warnings, String description,
                         long schemaVersion) {
    }

    /** Reads and validates {@code bytes} (position 0 to limit). The buffer must not change afterwards. */
    public static Result read(ByteBuffer bytes) throws ModelFormatException {
        return new ModelReader(bytes.slice()).read();
    }

    private Result read() throws ModelFormatException {
        if (size < 8) {
            throw new ModelFormatException("not a TFLite model: file is " + size + " bytes, too small for a FlatBuffer header", 0);
        }
        byte[] ident = new byte[4];
        for (int i = 0; i < ident.length; i++) {
            ident[i] = bytes.get(4 + i);
        }
        String id = new String(ident, StandardCharsets.ISO_8859_1);
        if (!IDENTIFIER.equals(id)) {
            throw new ModelFormatException("not a TFLite model: file identifier is '" + printable(id) + "', expected 'TFL3'", 4);
        }
        long root = Integer.toUnsignedLong(bytes.getInt(0));
        if (root < 8 || root > size - 4) {
            throw new ModelFormatException("root table offset " + root + " is outside the file (" + size + " bytes)", 0);
        }
        try {
            Model.ValidateVersion();
            Model model = Model.getRootAsModel(bytes);
            where = "FlatBuffer structure";
            FlatBufferVerifier.verify(model, size);
            return readModel(model);
        } catch (ModelFormatException e) {
            throw e;
        } catch (RuntimeException e) {
            // The schema classes read through bounds-checked ByteBuffer accessors: a bad offset surfaces here.
            throw new ModelFormatException("malformed FlatBuffer in " + where + ": " + e, -1, e);
        }
    }

    private Result readModel(Model model) throws ModelFormatException {
        where = "model";
        long version = model.version();
        if (version != 3) {
            warnings.add("model", "schema version is " + version + ", expected 3");
        }
        String description = model.description();

        where = "operator codes";
        int codeCount = checkLength(model.operatorCodesLength(), 4, "operator_codes");
        int[] builtinCodes = new int[codeCount];
        String[] customCodes = new String[codeCount];
        int[] versions = new int[codeCount];
        for (int i = 0; i < codeCount; i++) {
            where = "operator code #" + i;
            OperatorCode oc = model.operatorCodes(i);
            if (oc == null) {
                throw new ModelFormatException("operator code #" + i + " is missing");
            }
            // TFLite's rule (schema_utils.cc GetBuiltinCode): the larger of the deprecated and the new field.
            int code = Math.max(oc.deprecatedBuiltinCode(), oc.builtinCode());
            if (code == BuiltinOperator.CUSTOM) {
                String custom = oc.customCode();
                if (custom == null || custom.isEmpty()) {
                    throw new ModelFormatException("operator code #" + i + " is CUSTOM but has no custom_code");
                }
                customCodes[i] = custom;
            } else if (!BuiltinOps.isKnown(code)) {
                throw new ModelFormatException("operator code #" + i + " has unknown builtin code " + code);
            }
            builtinCodes[i] = code;
            versions[i] = oc.version();
        }

        where = "buffers";
        int bufferCount = checkLength(model.buffersLength(), 4, "buffers");
        ByteBuffer[] buffers = new ByteBuffer[bufferCount];
        for (int i = 0; i < bufferCount; i++) {
            where = "buffer #" + i;
            Buffer b = model.buffers(i);
            if (b == null) {
                throw new ModelFormatException("buffer #" + i + " is missing");
            }
            int len = checkLength(b.dataLength(), 1, "buffer #" + i + " data");
            if (len > 0) {
                ByteBuffer data = b.dataAsByteBuffer();
                buffers[i] = data.slice().order(ByteOrder.LITTLE_ENDIAN);
            }
        }

        where = "subgraphs";
        int subgraphCount = checkLength(model.subgraphsLength(), 4, "subgraphs");
        if (subgraphCount == 0) {
            throw new ModelFormatException("model has no subgraph");
        }
        List<Graph> graphs = new ArrayList<>(subgraphCount);
        for (int s = 0; s < subgraphCount; s++) {
            where = "subgraph #" + s;
            SubGraph sg = model.subgraphs(s);
            if (sg == null) {
                throw new ModelFormatException("subgraph #" + s + " is missing");
            }
            graphs.add(readSubgraph(s, sg, buffers, builtinCodes, customCodes, versions, subgraphCount));
        }
        OpChecks.checkCallGraph(graphs);
        checkMetadataAndSignatures(model, bufferCount, graphs);
        return new Result(model, graphs, warnings.list(), description, version);
    }

    /**
     * Metadata entries and signature defs index buffers, subgraphs and tensors, and TFLite follows them with few
     * checks: a mutated metadata vector length exposed an entry on buffer 0, which has no data, and
     * {@code FlatBufferModel::ReadAllMetadata} crashed copying it.
     */
    private void checkMetadataAndSignatures(Model model, int bufferCount, List<Graph> graphs)
            throws ModelFormatException {
        where = "metadata";
        for (int i = 0; i < model.metadataLength(); i++) {
            org.tensorflow.lite.schema.Metadata md = model.metadata(i);
            if (md == null || md.name() == null) {
                // TFLite reads every metadata name as a string without a null check.
                throw new ModelFormatException("metadata #" + i + " has no name");
            }
            long b = md.buffer();
            if (b < 0 || b >= bufferCount) {
                throw new ModelFormatException("metadata #" + i + " '" + md.name() + "': buffer index " + b
                        + " out of range [0, " + bufferCount + ")");
            }
            if (model.buffers((int) b).dataAsByteBuffer() == null) {
                // TFLite copies a metadata buffer's data without checking that it has any: a metadata entry
                // pointing at a data-less buffer (such as the sentinel, buffer 0) crashed ReadAllMetadata.
                throw new ModelFormatException("metadata #" + i + " '" + md.name() + "': buffer #" + b
                        + " has no data");
            }
        }
        for (int i = 0; i < model.metadataBufferLength(); i++) {
            int b = model.metadataBuffer(i);
            if (b < 0 || b >= bufferCount) {
                throw new ModelFormatException("metadata_buffer " + i + ": buffer index " + b + " out of range [0, "
                        + bufferCount + ")");
            }
        }
        where = "signature defs";
        for (int i = 0; i < model.signatureDefsLength(); i++) {
            org.tensorflow.lite.schema.SignatureDef sig = model.signatureDefs(i);
            if (sig == null || sig.signatureKey() == null) {
                throw new ModelFormatException("signature #" + i + " has no signature_key");
            }
            String label = "signature #" + i + " '" + sig.signatureKey() + "'";
            long g = sig.subgraphIndex();
            if (g < 0 || g >= graphs.size()) {
                throw new ModelFormatException(label + ": subgraph index " + g + " out of range [0, " + graphs.size()
                        + ")");
            }
            int tensorCount = graphs.get((int) g).tensors().size();
            for (int k = 0; k < sig.inputsLength() + sig.outputsLength(); k++) {
                boolean in = k < sig.inputsLength();
                org.tensorflow.lite.schema.TensorMap tm = in ? sig.inputs(k) : sig.outputs(k - sig.inputsLength());
                if (tm == null || tm.name() == null) {
                    throw new ModelFormatException(label + " " + (in ? "input" : "output") + " #" + k + " has no name");
                }
                long t = tm.tensorIndex();
                if (t < 0 || t >= tensorCount) {
                    throw new ModelFormatException(label + " " + (in ? "input" : "output") + " '" + tm.name()
                            + "': tensor index " + t + " out of range [0, " + tensorCount + ")");
                }
            }
        }
    }

    private Graph readSubgraph(int s, SubGraph sg, ByteBuffer[] buffers, int[] builtinCodes, String[] customCodes,
                               int[] versions, int subgraphCount) throws ModelFormatException {
        String prefix = subgraphCount > 1 ? "subgraph #" + s + ": " : "";
        int tensorCount = checkLength(sg.tensorsLength(), 4, prefix + "tensors");
        List<TensorInfo> tensors = new ArrayList<>(tensorCount);
        for (int t = 0; t < tensorCount; t++) {
            where = prefix + "tensor #" + t;
            Tensor tensor = sg.tensors(t);
            if (tensor == null) {
                throw new ModelFormatException(prefix + "tensor #" + t + " is missing");
            }
            tensors.add(readTensor(prefix, t, tensor, buffers));
        }

        where = prefix + "graph inputs";
        int[] inputs = readIndices(sg.inputsLength(), sg::inputs, tensorCount, prefix + "graph input", false);
        where = prefix + "graph outputs";
        int[] outputs = readIndices(sg.outputsLength(), sg::outputs, tensorCount, prefix + "graph output", false);
        if (s == 0 && (inputs.length == 0 || outputs.length == 0)) {
            // Sessions run the primary subgraph: it needs something to feed and something to read back (and the
            // TFLite backend cannot open a graph whose input or output list is empty).
            throw new ModelFormatException("subgraph #0 '" + sg.name() + "' has " + inputs.length + " inputs and "
                    + outputs.length + " outputs; expected at least one of each");
        }

        int opCount = checkLength(sg.operatorsLength(), 4, prefix + "operators");
        List<OpInfo> ops = new ArrayList<>(opCount);
        for (int o = 0; o < opCount; o++) {
            where = prefix + "operator #" + o;
            Operator op = sg.operators(o);
            if (op == null) {
                throw new ModelFormatException(prefix + "operator #" + o + " is missing");
            }
            long codeIndex = op.opcodeIndex();
            if (codeIndex < 0 || codeIndex >= builtinCodes.length) {
                throw new ModelFormatException(prefix + "operator #" + o + ": opcode_index " + codeIndex
                        + " out of range [0, " + builtinCodes.length + ")");
            }
            int ci = (int) codeIndex;
            String opName = customCodes[ci] != null ? customCodes[ci] : BuiltinOps.name(builtinCodes[ci]);
            String opLabel = prefix + "operator #" + o + " (" + opName + ")";
            int[] in = readIndices(op.inputsLength(), op::inputs, tensorCount, opLabel + " input", true);
            int[] out = readIndices(op.outputsLength(), op::outputs, tensorCount, opLabel + " output", false);
            // Quantized LSTMs keep their gate statistics in intermediates; the kernels index tensors with them.
            readIndices(op.intermediatesLength(), op::intermediates, tensorCount, opLabel + " intermediate", false);
            OpAttributes attrs = customCodes[ci] != null ? OpAttributes.EMPTY
                    : OpOptionsReader.read(opLabel, builtinCodes[ci], op);
            OpInfo info = new OpInfo(o, builtinCodes[ci], customCodes[ci], versions[ci], in, out, attrs);
            OpChecks.check(opLabel, info, tensors, s, subgraphCount);
            ops.add(info);
        }
        DataflowChecks.check(prefix, tensors, ops, inputs, outputs);
        return new Graph(sg.name(), tensors, ops, inputs, outputs);
    }

    private TensorInfo readTensor(String prefix, int t, Tensor tensor, ByteBuffer[] buffers) throws ModelFormatException {
        String name = tensor.name();
        String label = prefix + "tensor #" + t + " '" + (name == null ? "" : name) + "'";
        DataType type = DataType.fromTflite(tensor.type());
        if (type == null) {
            throw new ModelFormatException(label + ": unsupported tensor type code " + tensor.type());
        }
        int rank = checkLength(tensor.shapeLength(), 4, label + " shape");
        if (rank > MAX_RANK) {
            throw new ModelFormatException(label + ": rank " + rank + " exceeds " + MAX_RANK
                    + ", the most edgert accepts");
        }
        int[] shape = new int[rank];
        long elements = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = tensor.shape(d);
            if (shape[d] < 0) {
                throw new ModelFormatException(label + ": negative dimension " + shape[d] + " at axis " + d);
            }
            elements = saturatingMultiply(elements, shape[d]);
        }
        long bytesNeeded = saturatingMultiply(elements, type.byteSize());
        if (bytesNeeded > MAX_TENSOR_BYTES) {
            throw new ModelFormatException(label + ": shape " + java.util.Arrays.toString(shape) + " x " + type.label()
                    + " needs more than 2 GiB");
        }
        int[] signature = null;
        int sigLen = checkLength(tensor.shapeSignatureLength(), 4, label + " shape_signature");
        if (sigLen > 0) {
            if (sigLen != rank) {
                throw new ModelFormatException(label + ": shape_signature has rank " + sigLen + ", shape has rank " + rank);
            }
            signature = new int[sigLen];
            for (int d = 0; d < sigLen; d++) {
                signature[d] = tensor.shapeSignature(d);
                if (signature[d] < -1 || (signature[d] != -1 && signature[d] != shape[d])) {
                    throw new ModelFormatException(label + ": shape_signature " + java.util.Arrays.toString(signature)
                            + " does not match shape " + java.util.Arrays.toString(shape));
                }
            }
        }
        long bufferIndex = tensor.buffer();
        // Buffer 0 is the schema's "no data" sentinel; TFLite accepts it even when the buffer table is empty.
        if (bufferIndex != 0 && (bufferIndex < 0 || bufferIndex >= buffers.length)) {
            throw new ModelFormatException(label + ": buffer index " + bufferIndex + " out of range [0, " + buffers.length + ")");
        }
        ByteBuffer data = bufferIndex < buffers.length ? buffers[(int) bufferIndex] : null;
        if (data != null && type != DataType.STRING && data.remaining() != bytesNeeded) {
            throw new ModelFormatException(label + ": buffer #" + bufferIndex + " holds " + data.remaining()
                    + " bytes, but shape " + java.util.Arrays.toString(shape) + " x " + type.label() + " needs " + bytesNeeded);
        }
        if (data != null && tensor.isVariable()) {
            // A variable with an initial value is legal, but it is never a weight.
            warnings.add(label, "variable with an initial value");
        }
        Quantization q = readQuantization(label, tensor.quantization(), type, shape, data != null);
        return new TensorInfo(t, name == null ? "" : name, shape, signature, type, q, (int) bufferIndex, data,
                tensor.isVariable());
    }

    private Quantization readQuantization(String label, QuantizationParameters qp, DataType type, int[] shape,
                                          boolean constant) throws ModelFormatException {
        if (qp == null) {
            return Quantization.NONE;
        }
        int scales = checkLength(qp.scaleLength(), 4, label + " quantization scale");
        int zeros = checkLength(qp.zeroPointLength(), 8, label + " quantization zero_point");
        checkLength(qp.minLength(), 4, label + " quantization min");
        checkLength(qp.maxLength(), 4, label + " quantization max");
        if (scales == 0) {
            if (zeros != 0) {
                throw new ModelFormatException(label + ": quantization has " + zeros + " zero points but no scale");
            }
            return Quantization.NONE;
        }
        if (zeros != scales) {
            throw new ModelFormatException(label + ": quantization has " + scales + " scales but " + zeros + " zero points");
        }
        float[] s = new float[scales];
        long[] z = new long[scales];
        for (int i = 0; i < scales; i++) {
            s[i] = qp.scale(i);
            z[i] = qp.zeroPoint(i);
            if (!Float.isFinite(s[i]) || s[i] < 0f) {
                throw new ModelFormatException(label + ": quantization scale[" + i + "] = " + s[i] + " is not a finite non-negative number");
            }
            if (!constant && s[i] < Float.MIN_NORMAL) {
                // Kernels divide by activation scales and derive fixed-point multipliers from them; TFLite aborts
                // (TFLITE_CHECK) on the multipliers a zero or subnormal scale produces. Constants may carry 0 (an
                // all-zero filter channel), which TFLite handles.
                throw new ModelFormatException(label + ": quantization scale[" + i + "] = " + s[i]
                        + " is not a positive normal float; expected at least " + Float.MIN_NORMAL + " for an activation");
            }
            checkZeroPoint(label, type, z[i], i);
        }
        int qd = qp.quantizedDimension();
        if (scales > 1) {
            if ((qd < 0 || qd >= shape.length) && shape.length == 1 && shape[0] == scales) {
                // person_detect.tflite: per-channel bias vectors carry the filter's quantized_dimension (3). A rank-1
                // tensor has one axis, so the intent is unambiguous. Stock TFLite refuses the model; edgert accepts
                // it and says so.
                warnings.add(label, "per-channel quantized_dimension " + qd + " is outside the tensor's rank 1; using axis 0");
                qd = 0;
            }
            if (qd < 0 || qd >= shape.length) {
                throw new ModelFormatException(label + ": quantized_dimension " + qd + " out of range [0, " + shape.length
                        + ") for " + scales + " per-channel scales");
            }
            if (shape[qd] != scales) {
                throw new ModelFormatException(label + ": " + scales + " per-channel scales but dimension " + qd
                        + " has size " + shape[qd]);
            }
            return Quantization.perChannel(s, z, qd);
        }
        if (qd != 0 && (qd < 0 || qd >= Math.max(shape.length, 1))) {
            // person_detect.tflite: per-tensor parameters with a stray quantized_dimension. Harmless: one scale
            // applies to the whole tensor. Stock TFLite refuses the model; edgert accepts it and says so.
            warnings.add(label, "per-tensor quantization carries quantized_dimension " + qd
                    + " outside the tensor's rank " + shape.length + "; ignored");
            qd = 0;
        }
        return new Quantization(s, z, qd);
    }

    private static void checkZeroPoint(String label, DataType type, long zp, int i) throws ModelFormatException {
        long lo;
        long hi;
        switch (type) {
            case INT8 -> { lo = -128; hi = 127; }
            case UINT8 -> { lo = 0; hi = 255; }
            case INT16 -> { lo = -32768; hi = 32767; }
            case INT32, FLOAT32, FLOAT16 -> { lo = Integer.MIN_VALUE; hi = Integer.MAX_VALUE; }
            default -> { return; }
        }
        if (zp < lo || zp > hi) {
            throw new ModelFormatException(label + ": zero_point[" + i + "] = " + zp + " outside the " + type.label()
                    + " range [" + lo + ", " + hi + "]");
        }
    }

    private interface IntAt {
        int at(int i);
    }

    private int[] readIndices(int length, IntAt at, int tensorCount, String what, boolean optionalAllowed)
            throws ModelFormatException {
        int n = checkLength(length, 4, what + "s");
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            int v = at.at(i);
            if (v == -1 && optionalAllowed) {
                r[i] = -1;
                continue;
            }
            if (v < 0 || v >= tensorCount) {
                throw new ModelFormatException(what + " " + i + ": tensor index " + v + " out of range [0, " + tensorCount + ")");
            }
            r[i] = v;
        }
        return r;
    }

    /** A vector can't hold more elements than the file has bytes for: refuse before allocating for it. */
    private int checkLength(int length, int elementSize, String what) throws ModelFormatException {
        if (length < 0 || (long) length * elementSize > size) {
            throw new ModelFormatException(what + ": vector length " + Integer.toUnsignedLong(length)
                    + " does not fit in the " + size + "-byte file");
        }
        return length;
    }

    private static long saturatingMultiply(long a, long b) {
        long r = a * b;
        if (a != 0 && (r / a != b || r < 0)) {
            return Long.MAX_VALUE;
        }
        return r;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 32 && c < 127 ? String.valueOf(c) : String.format("\\x%02x", (int) c));
        }
        return sb.toString();
    }
}
