package io.edgert.runtime.model;

import io.edgert.runtime.DataType;
import io.edgert.runtime.Model;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.model.ModelBuilder.Activation;
import io.edgert.runtime.model.ModelBuilder.Padding;
import io.edgert.testing.TfliteRunner;
import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.GeluOptionsT;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.OperatorCodeT;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The builder's file layout, its argument checks, and every typed op helper run in both TFLite paths. */
class ModelBuilderTest {
    private static final DataType F32 = DataType.FLOAT32;

    // ------------------------------------------------------------------ layout

    @Test
    void writesConverterStyleLayout() throws Exception {
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", F32, 1, 4);
        int y = b.tensor("y", F32, 1, 4);
        int z = b.tensor("z", F32, 1, 4);
        int w = b.tensor("w", F32, 1, 4);
        b.relu(x, y).relu(y, z);
        // GELU (150) is past the byte range of deprecated_builtin_code.
        b.op(BuiltinOperator.GELU, new int[] {z}, new int[] {w}, BuiltinOptions.GeluOptions, new GeluOptionsT());
        b.output(w);
        ModelT m = b.toModelT();

        assertEquals(3, m.getVersion());
        assertEquals(0, m.getBuffers()[0].getData() == null ? 0 : m.getBuffers()[0].getData().length,
                "buffer 0 is the empty sentinel");
        OperatorCodeT[] codes = m.getOperatorCodes();
        assertEquals(2, codes.length, "the two RELU ops share one operator code");
        assertEquals(BuiltinOperator.RELU, codes[0].getBuiltinCode());
        assertEquals(BuiltinOperator.RELU, codes[0].getDeprecatedBuiltinCode());
        assertEquals(BuiltinOperator.GELU, codes[1].getBuiltinCode());
        assertEquals(BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES, codes[1].getDeprecatedBuiltinCode());
        for (var t : m.getSubgraphs()[0].getTensors()) {
            assertEquals(0, t.getBuffer(), "activation " + t.getName() + " points at the sentinel");
        }
        try (Model model = b.buildModel()) {
            assertEquals(3, model.operators().size());
            assertEquals("GELU", model.operators().get(2).type());
            assertArrayEquals(new int[] {0}, model.graph().inputs());
            assertArrayEquals(new int[] {3}, model.graph().outputs());
        }
    }

    @Test
    void constantsGetTheirOwnBuffersAndQuantization() throws Exception {
        ModelBuilder b = new ModelBuilder();
        Quantization perChannel = Quantization.perChannel(new float[] {0.5f, 0.25f}, new long[] {0, 0}, 0);
        int w = b.constInt8("w", new int[] {2, 2}, perChannel, (byte) 1, (byte) -2, (byte) 3, (byte) -4);
        int bias = b.constInt32("b", new int[] {2}, Quantization.perChannel(new float[] {0.05f, 0.025f},
                new long[] {0, 0}, 0), 7, -9);
        int u = b.constUint8("u", new int[] {3}, Quantization.perTensor(0.1f, 128), 0, 128, 255);
        int x = b.inputWithSignature("x", DataType.INT8, Quantization.perTensor(0.1f, -3), new int[] {1, 2},
                new int[] {-1, 2});
        int y = b.tensor("y", DataType.INT8, Quantization.perTensor(0.2f, 1), 1, 2);
        b.fullyConnected(x, w, bias, y, Activation.NONE, false).output(y);
        try (Model m = b.buildModel()) {
            TensorInfo wt = m.tensors().get(w);
            assertEquals(perChannel, wt.quantization());
            assertEquals(0, wt.quantization().quantizedDimension());
            assertEquals(-4, wt.data().get(3));
            assertEquals(-9, m.tensors().get(bias).data().getInt(4));
            assertEquals(255, Byte.toUnsignedInt(m.tensors().get(u).data().get(2)));
            assertArrayEquals(new int[] {-1, 2}, m.tensors().get(x).shapeSignature());
            assertNull(m.tensors().get(y).shapeSignature());
            assertTrue(m.tensors().get(w).buffer() != m.tensors().get(bias).buffer());
        }
    }

    @Test
    void rejectsBadArgumentsWithTheTensorNamed() {
        ModelBuilder b = new ModelBuilder();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> b.constFloat("w", new int[] {2, 2}, 1, 2, 3));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("expected 4 elements, got 3"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.relu(0, 1));
        assertTrue(e.getMessage().contains("expected a tensor index in [0, 0), got 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> b.input("n", F32, 1, -2));
        assertTrue(e.getMessage().contains("'n'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> b.constUint8("u", new int[] {1}, Quantization.NONE, 256));
    }

    @Test
    void shapeHelpersFollowTflite() {
        assertEquals(4, ModelBuilder.outputSize(Padding.SAME, 7, 3, 2, 1));
        assertEquals(3, ModelBuilder.outputSize(Padding.VALID, 7, 3, 2, 1));
        assertEquals(3, ModelBuilder.outputSize(Padding.VALID, 7, 3, 1, 2)); // effective filter 5
        assertEquals(0, ModelBuilder.outputSize(Padding.VALID, 2, 3, 1, 1));
        assertArrayEquals(new int[] {1, 56, 56, 32},
                ModelBuilder.conv2dOutputShape(new int[] {1, 112, 112, 3}, new int[] {32, 3, 3, 3}, Padding.SAME, 2, 2,
                        1, 1));
        assertArrayEquals(new int[] {2, 3, 3, 16},
                ModelBuilder.depthwiseConv2dOutputShape(new int[] {2, 5, 5, 8}, new int[] {1, 3, 3, 16}, Padding.VALID,
                        1, 1, 1, 1));
        assertArrayEquals(new int[] {1, 2, 2, 5},
                ModelBuilder.pool2dOutputShape(new int[] {1, 5, 5, 5}, Padding.VALID, 2, 2, 2, 2));
        assertEquals(0, ModelBuilder.paddingBefore(Padding.SAME, 4, 3, 2, 1)); // total 1: after only
        assertEquals(1, ModelBuilder.paddingBefore(Padding.SAME, 5, 3, 1, 1));
    }

    // ------------------------------------------------------------------ every typed helper, run in TFLite

    /** A one-op float model: input shape {@code inShape}, output {@code outShape}. */
    private interface OneOp {
        void add(ModelBuilder b, int x, int y);
    }

    private static void checkUnary(int[] inShape, int[] outShape, OneOp op, float[] in, float[] expected, float tol)
            throws Exception {
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", F32, inShape);
        int y = b.tensor("y", F32, outShape);
        op.add(b, x, y);
        b.output(y);
        try (Model m = b.buildModel()) {
            for (String backend : TfliteRunner.BACKENDS) {
                float[] got = TfliteRunner.runFloats(m, backend, 0, in);
                assertArrayEquals(expected, got, tol, backend + " " + m.operators().get(m.operators().size() - 1));
            }
        }
    }

    @Test
    void activations() throws Exception {
        int[] s = {1, 4};
        float[] in = {-2f, -0.5f, 1f, 7f};
        checkUnary(s, s, ModelBuilder::relu, in, new float[] {0, 0, 1, 7}, 0);
        checkUnary(s, s, ModelBuilder::relu6, in, new float[] {0, 0, 1, 6}, 0);
        checkUnary(s, s, (b, x, y) -> b.leakyRelu(x, y, 0.1f), in, new float[] {-0.2f, -0.05f, 1, 7}, 1e-6f);
        float[] sig = new float[4];
        float[] th = new float[4];
        float[] hs = new float[4];
        for (int i = 0; i < 4; i++) {
            sig[i] = (float) (1 / (1 + Math.exp(-in[i])));
            th[i] = (float) Math.tanh(in[i]);
            hs[i] = in[i] * Math.min(6, Math.max(0, in[i] + 3)) / 6;
        }
        checkUnary(s, s, ModelBuilder::logistic, in, sig, 1e-5f);
        checkUnary(s, s, ModelBuilder::tanh, in, th, 1e-5f);
        checkUnary(s, s, ModelBuilder::hardSwish, in, hs, 1e-5f);
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        checkUnary(new int[] {1, 3}, new int[] {1, 3}, (b, x, y) -> b.softmax(x, y, 1f), new float[] {1, 2, 3},
                new float[] {(float) (Math.exp(1) / z), (float) (Math.exp(2) / z), (float) (Math.exp(3) / z)}, 1e-5f);
    }

    @Test
    void shapeOps() throws Exception {
        float[] six = {0, 1, 2, 3, 4, 5};
        checkUnary(new int[] {2, 3}, new int[] {3, 2}, (b, x, y) -> b.reshape(x, y, new int[] {3, 2}), six, six, 0);
        checkUnary(new int[] {1, 6, 1}, new int[] {6}, (b, x, y) -> b.squeeze(x, y, 0, 2), six, six, 0);
        checkUnary(new int[] {2, 3}, new int[] {3, 2}, (b, x, y) -> b.transpose(x, y, 1, 0), six,
                new float[] {0, 3, 1, 4, 2, 5}, 0);
        checkUnary(new int[] {1, 6}, new int[] {1, 3},
                (b, x, y) -> b.stridedSlice(x, y, new int[] {0, 1}, new int[] {1, 6}, new int[] {1, 2}, 0, 0, 0), six,
                new float[] {1, 3, 5}, 0);
        checkUnary(new int[] {1, 2}, new int[] {1, 5}, (b, x, y) -> b.pad(x, y, new int[][] {{0, 0}, {1, 2}}),
                new float[] {7, 8}, new float[] {0, 7, 8, 0, 0}, 0);
        checkUnary(new int[] {1, 2}, new int[] {1, 4}, (b, x, y) -> {
            int nine = b.constFloat("nine", new int[] {}, 9f);
            b.padV2(x, y, new int[][] {{0, 0}, {2, 0}}, nine);
        }, new float[] {7, 8}, new float[] {9, 9, 7, 8}, 0);
        checkUnary(new int[] {2, 3}, new int[] {2}, (b, x, y) -> b.mean(x, y, new int[] {1}, false), six,
                new float[] {1, 4}, 1e-6f);
        checkUnary(new int[] {1, 2}, new int[] {1, 5}, (b, x, y) -> {
            int c = b.constFloat("c", new int[] {1, 3}, 5, 6, 7);
            b.concatenation(new int[] {x, c}, y, 1, Activation.NONE);
        }, new float[] {1, 2}, new float[] {1, 2, 5, 6, 7}, 0);
    }

    @Test
    void binaryOpsBroadcastAndFuseActivations() throws Exception {
        float[] in = {1, -2, 3, -4};
        int[] s = {2, 2};
        checkUnary(s, s, (b, x, y) -> b.add(x, b.constFloat("c", new int[] {2}, 10, 20), y, Activation.NONE), in,
                new float[] {11, 18, 13, 16}, 0);
        checkUnary(s, s, (b, x, y) -> b.sub(x, b.constFloat("c", new int[] {2}, 1, 1), y, Activation.RELU), in,
                new float[] {0, 0, 2, 0}, 0);
        checkUnary(s, s, (b, x, y) -> b.mul(x, b.constFloat("c", new int[] {2}, 3, -2), y, Activation.RELU6), in,
                new float[] {3, 4, 6, 6}, 0);
    }

    @Test
    void poolsAndConvolutions() throws Exception {
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8}; // [1, 2, 2, 2] NHWC
        int[] s = {1, 2, 2, 2};
        int[] pooled = ModelBuilder.pool2dOutputShape(s, Padding.VALID, 2, 2, 2, 2);
        checkUnary(s, pooled, (b, x, y) -> b.averagePool2d(x, y, Padding.VALID, 2, 2, 2, 2, Activation.NONE), in,
                new float[] {4, 5}, 1e-6f);
        checkUnary(s, pooled, (b, x, y) -> b.maxPool2d(x, y, Padding.VALID, 2, 2, 2, 2, Activation.NONE), in,
                new float[] {7, 8}, 0);
        // Depthwise 2x2 VALID, per channel c: sum over pixels of x * w; w = 1 for channel 0, pixel index for channel 1.
        checkUnary(s, new int[] {1, 1, 1, 2}, (b, x, y) -> {
            int w = b.constFloat("w", new int[] {1, 2, 2, 2}, 1, 0, 1, 1, 1, 2, 1, 3);
            int bias = b.constFloat("b", new int[] {2}, 0.5f, -1);
            b.depthwiseConv2d(x, w, bias, y, Padding.VALID, 1, 1, 1, Activation.NONE);
        }, in, new float[] {1 + 3 + 5 + 7 + 0.5f, 0 * 2 + 1 * 4 + 2 * 6 + 3 * 8 - 1}, 1e-5f);
        // Conv 1x1 with two output channels: y = [x0 + x1, x0 - x1] per pixel, RELU.
        checkUnary(s, new int[] {1, 2, 2, 2}, (b, x, y) -> {
            int w = b.constFloat("w", new int[] {2, 1, 1, 2}, 1, 1, 1, -1);
            int bias = b.constFloat("b", new int[] {2}, 0, 0);
            b.conv2d(x, w, bias, y, Padding.SAME, 1, 1, Activation.RELU);
        }, in, new float[] {3, 0, 7, 0, 11, 0, 15, 0}, 0);
        // FULLY_CONNECTED keeping the leading dimensions: [2, 1, 3] x [2, 3]^T + b.
        checkUnary(new int[] {2, 1, 3}, new int[] {2, 1, 2}, (b, x, y) -> {
            int w = b.constFloat("w", new int[] {2, 3}, 1, 2, 3, -1, 0, 1);
            int bias = b.constFloat("b", new int[] {2}, 0.5f, 0);
            b.fullyConnected(x, w, bias, y, Activation.NONE, true);
        }, new float[] {1, 1, 1, 2, 0, -1}, new float[] {6.5f, 0, -0.5f, -3}, 1e-6f);
    }
}
