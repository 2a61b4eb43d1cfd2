package io.edgert.runtime.model;

import io.edgert.runtime.DataType;
import io.edgert.runtime.Model;
import io.edgert.runtime.ModelFormatException;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.model.ModelBuilder.Activation;
import io.edgert.runtime.model.ModelBuilder.Padding;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.BuiltinOptionsUnion;
import org.tensorflow.lite.schema.CallOnceOptionsT;
import org.tensorflow.lite.schema.MetadataT;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.Pool2DOptionsT;
import org.tensorflow.lite.schema.SignatureDefT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.TensorMapT;
import org.tensorflow.lite.schema.TensorT;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One broken field at a time, made with the schema object API on a valid int8 conv model: each is a
 * {@link ModelFormatException} whose message names the tensor or operator and says what is wrong.
 */
class ModelValidationTest {
    /** Tensors: 0 x (input), 1 w (int8 [4,3,3,3] per-channel), 2 b (int32 [4]), 3 y (output). One CONV_2D. */
    private static ModelT convModel() {
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", DataType.INT8, Quantization.perTensor(0.05f, -3), 1, 6, 6, 3);
        float[] ws = {0.01f, 0.02f, 0.03f, 0.04f};
        int w = b.constInt8("w", new int[] {4, 3, 3, 3}, Quantization.perChannel(ws, new long[4], 0), new byte[108]);
        float[] bs = new float[4];
        for (int i = 0; i < 4; i++) {
            bs[i] = 0.05f * ws[i];
        }
        int bias = b.constInt32("b", new int[] {4}, Quantization.perChannel(bs, new long[4], 0), new int[4]);
        int y = b.tensor("y", DataType.INT8, Quantization.perTensor(0.1f, 2), 1, 6, 6, 4);
        b.conv2d(x, w, bias, y, Padding.SAME, 1, 1, Activation.NONE).output(y);
        return b.toModelT();
    }

    private static SubGraphT graph(ModelT m) {
        return m.getSubgraphs()[0];
    }

    private static TensorT tensor(ModelT m, int i) {
        return graph(m).getTensors()[i];
    }

    private static OperatorT op(ModelT m) {
        return graph(m).getOperators()[0];
    }

    private static void expectRejected(Consumer<ModelT> edit, String... fragments) {
        ModelT m = convModel();
        edit.accept(m);
        byte[] bytes = ModelWriter.write(m);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(bytes).close());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "expected '" + f + "' in: " + e.getMessage());
        }
    }

    @Test
    void theUneditedModelLoads() throws Exception {
        try (Model m = Model.load(ModelWriter.write(convModel()))) {
            assertEquals(4, m.tensors().size());
            assertTrue(m.warnings().isEmpty(), m.warnings().toString());
        }
    }

    @Test
    void indicesOutOfRange() {
        expectRejected(m -> tensor(m, 1).setBuffer(99), "tensor #1 'w'", "buffer index 99 out of range [0, 3)");
        expectRejected(m -> op(m).setOpcodeIndex(5), "operator #0", "opcode_index 5 out of range [0, 1)");
        expectRejected(m -> op(m).setInputs(new int[] {0, 42, 2}), "operator #0 (CONV_2D) input 1",
                "tensor index 42 out of range [0, 4)");
        expectRejected(m -> op(m).setOutputs(new int[] {-1}), "operator #0 (CONV_2D) output 0",
                "tensor index -1 out of range");
        expectRejected(m -> op(m).setIntermediates(new int[] {9}), "operator #0 (CONV_2D) intermediate 0",
                "tensor index 9");
        expectRejected(m -> graph(m).setInputs(new int[] {7}), "graph input 0", "tensor index 7 out of range");
        expectRejected(m -> graph(m).setOutputs(new int[] {3, 4}), "graph output 1", "tensor index 4 out of range");
        expectRejected(m -> m.setSubgraphs(new SubGraphT[0]), "model has no subgraph");
        expectRejected(m -> graph(m).setOutputs(new int[0]), "subgraph #0", "0 outputs");
    }

    @Test
    void shapesAndBufferSizes() {
        expectRejected(m -> tensor(m, 0).setShape(new int[] {1, -5, 6, 3}), "tensor #0 'x'",
                "negative dimension -5 at axis 1");
        expectRejected(m -> m.getBuffers()[1].setData(new int[107]), "tensor #1 'w'",
                "buffer #1 holds 107 bytes, but shape [4, 3, 3, 3] x int8 needs 108");
        expectRejected(m -> tensor(m, 2).setShape(new int[] {8}), "tensor #2 'b'", "needs 32");
        expectRejected(m -> tensor(m, 0).setShape(new int[] {65536, 65536, 4, 3}), "tensor #0 'x'",
                "needs more than 2 GiB");
        expectRejected(m -> tensor(m, 0).setShapeSignature(new int[] {-1, 6, 6}), "tensor #0 'x'",
                "shape_signature has rank 3, shape has rank 4");
        expectRejected(m -> tensor(m, 0).setType((byte) 99), "tensor #0 'x'", "unsupported tensor type code 99");
        expectRejected(m -> tensor(m, 3).setShape(new int[9]), "tensor #3 'y'", "rank 9 exceeds 8");
        expectRejected(m -> tensor(m, 0).setShape(new int[] {0, 6, 6, 3}), "graph input: tensor #0 'x' has shape "
                + "[0, 6, 6, 3]; expected no zero dimension");
        expectRejected(m -> tensor(m, 1).setShape(new int[] {4, 27}), "operator #0 (CONV_2D)", "filter tensor #1 'w'",
                "has rank 2, expected 4");
    }

    @Test
    void quantizationParameters() {
        expectRejected(m -> {
            tensor(m, 1).getQuantization().setScale(new float[] {1, 2, 3});
            tensor(m, 1).getQuantization().setZeroPoint(new long[3]);
        }, "tensor #1 'w'", "3 per-channel scales but dimension 0 has size 4");
        expectRejected(m -> tensor(m, 1).getQuantization().setZeroPoint(new long[2]), "tensor #1 'w'",
                "4 scales but 2 zero points");
        expectRejected(m -> tensor(m, 1).getQuantization().setQuantizedDimension(7), "tensor #1 'w'",
                "quantized_dimension 7 out of range [0, 4)");
        expectRejected(m -> tensor(m, 0).getQuantization().setZeroPoint(new long[] {300}), "tensor #0 'x'",
                "zero_point[0] = 300 outside the int8 range");
        expectRejected(m -> tensor(m, 3).getQuantization().setScale(new float[] {Float.NaN}), "tensor #3 'y'",
                "scale[0] = NaN");
        expectRejected(m -> tensor(m, 3).getQuantization().setScale(new float[] {1e-39f}), "tensor #3 'y'",
                "is not a positive normal float");
        expectRejected(m -> tensor(m, 3).getQuantization().setScale(new float[0]), "tensor #3 'y'",
                "1 zero points but no scale");
    }

    @Test
    void operatorCodesAndOptions() {
        expectRejected(m -> m.getOperatorCodes()[0].setBuiltinCode(9999), "operator code #0",
                "unknown builtin code 9999");
        expectRejected(m -> {
            OperatorCodeT c = m.getOperatorCodes()[0];
            c.setBuiltinCode(BuiltinOperator.CUSTOM);
            c.setDeprecatedBuiltinCode((byte) BuiltinOperator.CUSTOM);
        }, "operator code #0", "CUSTOM but has no custom_code");
        expectRejected(m -> op(m).getBuiltinOptions().asConv2DOptions().setStrideW(0), "operator #0 (CONV_2D)",
                "stride_w must be positive, got 0");
        expectRejected(m -> op(m).getBuiltinOptions().asConv2DOptions().setStrideH(65537), "operator #0 (CONV_2D)",
                "stride_h 65537 exceeds 32767");
        expectRejected(m -> op(m).getBuiltinOptions().asConv2DOptions().setPadding((byte) 7), "operator #0 (CONV_2D)",
                "unknown padding 7");
        expectRejected(m -> op(m).getBuiltinOptions().asConv2DOptions().setFusedActivationFunction((byte) 42),
                "operator #0 (CONV_2D)", "unknown fused activation 42");
        expectRejected(m -> {
            BuiltinOptionsUnion u = new BuiltinOptionsUnion();
            u.setType(BuiltinOptions.Pool2DOptions);
            u.setValue(new Pool2DOptionsT());
            op(m).setBuiltinOptions(u);
        }, "operator #0 (CONV_2D)", "builtin options are Pool2DOptions, expected Conv2DOptions");
        expectRejected(m -> op(m).setInputs(new int[] {0}), "operator #0 (CONV_2D)", "expected 2 to 3 inputs, got 1");
    }

    @Test
    void dataflow() {
        expectRejected(m -> op(m).setOutputs(new int[] {1}), "operator #0 (CONV_2D) output 0: tensor #1 'w'",
                "is a constant");
        expectRejected(m -> op(m).setOutputs(new int[] {3, 0}), "output 1: tensor #0 'x'", "is a graph input");
        expectRejected(m -> {
            // A second op reading y before the conv produces it: swap order by prepending a RELU y -> y2.
            TensorT y2 = new TensorT();
            y2.setName("y2");
            y2.setType(tensor(m, 3).getType());
            y2.setShape(tensor(m, 3).getShape());
            y2.setQuantization(tensor(m, 3).getQuantization());
            SubGraphT g = graph(m);
            TensorT[] ts = Arrays.copyOf(g.getTensors(), 5);
            ts[4] = y2;
            g.setTensors(ts);
            OperatorCodeT relu = new OperatorCodeT();
            relu.setBuiltinCode(BuiltinOperator.RELU);
            relu.setDeprecatedBuiltinCode((byte) BuiltinOperator.RELU);
            relu.setVersion(1);
            m.setOperatorCodes(new OperatorCodeT[] {m.getOperatorCodes()[0], relu});
            OperatorT r = new OperatorT();
            r.setOpcodeIndex(1);
            r.setInputs(new int[] {3});
            r.setOutputs(new int[] {4});
            g.setOperators(new OperatorT[] {r, g.getOperators()[0]});
        }, "operator #0 (RELU) input 0: tensor #3 'y'", "read before any operator produces it");
    }

    @Test
    void dataMovingOpsKeepTheirType() {
        // RESHAPE copies input->bytes into the output: a float64 input behind an int8 output overran the heap.
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", DataType.FLOAT32, 1, 6);
        int y = b.tensor("y", DataType.INT8, Quantization.perTensor(0.1f, 0), 2, 3);
        b.reshape(x, y, new int[] {2, 3}).output(y);
        ModelFormatException e = assertThrows(ModelFormatException.class, b::buildModel);
        assertTrue(e.getMessage().contains("operator #0 (RESHAPE): input 0 tensor #0 'x' is float32 but output tensor #1"
                + " 'y' is int8"), e.getMessage());
    }

    @Test
    void quantizedAddNeedsAnOutputScaleTfliteCanRepresent() throws Exception {
        ModelBuilder b = new ModelBuilder();
        Quantization in = Quantization.perTensor(0.05f, 0);
        int x = b.input("x", DataType.INT8, in, 1, 4);
        int c = b.constInt8("c", new int[] {1, 4}, in, new byte[4]);
        int y = b.tensor("y", DataType.INT8, Quantization.perTensor(1e-9f, 0), 1, 4);
        b.add(x, c, y, Activation.NONE).output(y);
        ModelFormatException e = assertThrows(ModelFormatException.class, b::buildModel);
        assertTrue(e.getMessage().contains("operator #0 (ADD): output scale 1.0E-9 of tensor #2 'y' does not fit"),
                e.getMessage());
        // Too large overflows TFLite's float product to infinity (multiplier 0): also an abort.
        ModelBuilder big = new ModelBuilder();
        int bx = big.input("x", DataType.INT8, in, 1, 4);
        int bc = big.constInt8("c", new int[] {1, 4}, in, new byte[4]);
        int by = big.tensor("y", DataType.INT8, Quantization.perTensor(1e33f, 0), 1, 4);
        big.add(bx, bc, by, Activation.NONE).output(by);
        e = assertThrows(ModelFormatException.class, big::buildModel);
        assertTrue(e.getMessage().contains("output multiplier"), e.getMessage());
    }

    @Test
    void elementwiseOutputsHaveTheirInputsShape() {
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", DataType.FLOAT32, 1, 28, 28, 5);
        int y = b.tensor("y", DataType.INT8, Quantization.perTensor(0.1f, 0), 1, 28, 28);
        b.quantize(x, y).output(y);
        ModelFormatException e = assertThrows(ModelFormatException.class, b::buildModel);
        assertTrue(e.getMessage().contains("operator #0 (QUANTIZE): output tensor #1 'y' has shape [1, 28, 28], "
                + "expected [1, 28, 28, 5]"), e.getMessage());

        ModelBuilder c = new ModelBuilder();
        int p = c.input("p", DataType.FLOAT32, 2, 3);
        int q = c.input("q", DataType.FLOAT32, 4, 1);
        int r = c.tensor("r", DataType.FLOAT32, 2, 3);
        c.add(p, q, r, Activation.NONE).output(r);
        e = assertThrows(ModelFormatException.class, c::buildModel);
        assertTrue(e.getMessage().contains("operator #0 (ADD): input shapes [2, 3] and [4, 1] do not broadcast"),
                e.getMessage());
        assertArrayEquals(new int[] {4, 2, 3}, OpChecks.broadcast(new int[] {2, 3}, new int[] {4, 1, 1}));
    }

    @Test
    void reshapeKeepsTheElementCount() {
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", DataType.INT8, Quantization.perTensor(0.1f, 0), 1, 1959);
        int y = b.tensor("y", DataType.INT8, Quantization.perTensor(0.1f, 0), 1, 49, 40, 1);
        b.reshape(x, y, new int[] {1, 49, 40, 1}).output(y);
        ModelFormatException e = assertThrows(ModelFormatException.class, b::buildModel);
        assertTrue(e.getMessage().contains("operator #0 (RESHAPE): output tensor #1 'y' [1, 49, 40, 1] has 1960 "
                + "elements, input tensor #0 'x' [1, 1959] has 1959"), e.getMessage());
    }

    @Test
    void deadOperatorsAreRejected() throws Exception {
        // A FULLY_CONNECTED whose output goes nowhere: TFLite 2.20 + XNNPACK died with SIGSEGV in
        // xnn_subgraph_fusion on exactly this graph.
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", DataType.FLOAT32, 1, 4);
        int w = b.constFloat("w", new int[] {2, 4}, new float[8]);
        int y = b.tensor("y", DataType.FLOAT32, 1, 2);
        int z = b.tensor("z", DataType.FLOAT32, 1, 4);
        b.fullyConnected(x, w, ModelBuilder.NO_TENSOR, y, Activation.NONE, false).relu(x, z).output(z);
        ModelFormatException e = assertThrows(ModelFormatException.class, b::buildModel);
        assertTrue(e.getMessage().contains("operator #0 (FULLY_CONNECTED): none of its outputs [2]"), e.getMessage());
        b.output(y);
        b.buildModel().close();
    }

    @Test
    void controlFlowSubgraphIndices() {
        Consumer<ModelT> callOnce = m -> {
            SubGraphT g = graph(m);
            OperatorCodeT c = new OperatorCodeT();
            c.setBuiltinCode(BuiltinOperator.CALL_ONCE);
            c.setDeprecatedBuiltinCode((byte) BuiltinOperator.CALL_ONCE);
            c.setVersion(1);
            m.setOperatorCodes(new OperatorCodeT[] {m.getOperatorCodes()[0], c});
            OperatorT op = new OperatorT();
            op.setOpcodeIndex(1);
            op.setInputs(new int[0]);
            op.setOutputs(new int[0]);
            CallOnceOptionsT o = new CallOnceOptionsT();
            o.setInitSubgraphIndex(5);
            BuiltinOptionsUnion u = new BuiltinOptionsUnion();
            u.setType(BuiltinOptions.CallOnceOptions);
            u.setValue(o);
            op.setBuiltinOptions(u);
            g.setOperators(new OperatorT[] {op, g.getOperators()[0]});
        };
        expectRejected(callOnce, "operator #0 (CALL_ONCE)", "init_subgraph_index 5 out of range [0, 1)");
        expectRejected(callOnce.andThen(m -> op(m).getBuiltinOptions().asCallOnceOptions().setInitSubgraphIndex(0)),
                "init_subgraph_index 0 is the operator's own subgraph");
    }

    @Test
    void offsetsOutsideTheFileAreRejected() {
        byte[] bytes = ModelWriter.write(convModel());
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(0, bytes.length + 100);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(bytes));
        assertTrue(e.getMessage().contains("root table offset " + (bytes.length + 100) + " is outside the file"),
                e.getMessage());
    }

    @Test
    void backwardOffsetsAreRejected() throws Exception {
        // Point operator_codes[0] back at the root table: Java's signed arithmetic would read it as an operator
        // code, C++ (unsigned offsets) would read 4 GiB further on and crash.
        byte[] bytes = ModelWriter.write(convModel());
        ByteBuffer bb = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        org.tensorflow.lite.schema.Model root = org.tensorflow.lite.schema.Model.getRootAsModel(bb);
        java.lang.reflect.Field start = com.google.flatbuffers.BaseVector.class.getDeclaredField("vector");
        start.setAccessible(true);
        int slot = start.getInt(root.operatorCodesVector());
        int rootTable = bb.getInt(0);
        assertTrue(rootTable < slot, "the root table precedes the vector in this layout");
        bb.putInt(slot, rootTable - slot);
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Model.load(bytes));
        assertTrue(e.getMessage().contains("model.operatorCodes[0]: offset") && e.getMessage().contains(
                "does not point forward"), e.getMessage());
    }

    @Test
    void metadataAndSignatureIndices() {
        expectRejected(m -> {
            MetadataT md = new MetadataT();
            md.setName("min_runtime_version");
            md.setBuffer(17);
            m.setMetadata(new MetadataT[] {md});
        }, "metadata #0 'min_runtime_version'", "buffer index 17 out of range [0, 3)");
        expectRejected(m -> {
            TensorMapT in = new TensorMapT();
            in.setName("x");
            in.setTensorIndex(12);
            SignatureDefT sig = new SignatureDefT();
            sig.setSignatureKey("serving_default");
            sig.setInputs(new TensorMapT[] {in});
            sig.setOutputs(new TensorMapT[0]);
            m.setSignatureDefs(new SignatureDefT[] {sig});
        }, "signature #0 'serving_default' input 'x'", "tensor index 12 out of range [0, 4)");
        expectRejected(m -> {
            // TFLite copies metadata buffers without a null check: buffer 0 has no data.
            MetadataT md = new MetadataT();
            md.setName("min_runtime_version");
            md.setBuffer(0);
            m.setMetadata(new MetadataT[] {md});
        }, "metadata #0 'min_runtime_version'", "buffer #0 has no data");
    }

    @Test
    void personDetectWarningsAreAggregated() throws Exception {
        try (Model m = Model.load(SharedFiles.model("tflite-micro/person_detect.tflite"))) {
            List<String> w = m.warnings();
            assertEquals(1, w.size(), w.toString());
            assertTrue(w.get(0).startsWith("tensor #33 'MobilenetV1/MobilenetV1/Conv2d_0/Conv2D_bias' and 13 more: "),
                    w.get(0));
            assertTrue(w.get(0).contains("quantized_dimension 3"), w.get(0));
        }
    }

    @Test
    void customOpModelLoadsAndFailsOnlyAtSessionCreation() throws Exception {
        byte[] bytes = Files.readAllBytes(SharedFiles.model("coral/model_invoking_error.tflite"));
        try (Model m = Model.load(bytes)) {
            assertTrue(m.operators().stream().anyMatch(o -> "fake-op-double".equals(o.customCode())),
                    m.operators().toString());
            io.edgert.runtime.EdgertException e = assertThrows(io.edgert.runtime.EdgertException.class,
                    () -> m.newSession(io.edgert.runtime.Session.Options.defaults().backend("tflite-ref")).close());
            assertTrue(e.getMessage().contains("fake-op-double"), e.getMessage());
        }
    }

    @Test
    void buffersShorterThanAnyShapeAreRejectedEvenForUnusedTensors() {
        expectRejected(m -> {
            BufferT[] bufs = Arrays.copyOf(m.getBuffers(), 4);
            bufs[3] = new BufferT();
            bufs[3].setData(new int[] {1, 2, 3});
            m.setBuffers(bufs);
            tensor(m, 3).setBuffer(3);
        }, "tensor #3 'y'", "buffer #3 holds 3 bytes", "needs 144");
    }
}
