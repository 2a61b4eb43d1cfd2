package io.edgert.runtime.model;

import io.edgert.runtime.DataType;
import io.edgert.runtime.Model;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.Session;
import io.edgert.runtime.model.ModelBuilder.Activation;
import io.edgert.runtime.model.ModelBuilder.Padding;
import io.edgert.testing.TfliteRunner;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Models made by {@link ModelBuilder}, written by {@link ModelWriter}, loaded and run in both TFLite paths, against
 * numbers computed here by hand or by a plain Java reference with TFLite's rounding.
 */
class GeneratedModelRunTest {

    @ParameterizedTest
    @ValueSource(strings = {"tflite", "tflite-ref"})
    void floatFullyConnectedWithBiasAndRelu(String backend) throws Exception {
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", DataType.FLOAT32, 2, 3);
        int w = b.constFloat("w", new int[] {3, 3}, 1, 0, -1, 0.5f, 0.5f, 0.5f, -2, 0, 0);
        int bias = b.constFloat("b", new int[] {3}, 0.25f, -1, 10);
        int y = b.tensor("y", DataType.FLOAT32, 2, 3);
        b.fullyConnected(x, w, bias, y, Activation.RELU, false).output(y);
        try (Model m = b.buildModel()) {
            float[] got = TfliteRunner.runFloats(m, backend, 0, new float[] {1, 2, 3, -4, 0, 4});
            // row 0: [1-3, 3, -2] + b = [-1.75, 2, 8] -> relu; row 1: [-8, 0, 8] + b = [-7.75, -1, 18] -> relu
            assertArrayEquals(new float[] {0, 2, 8, 0, 0, 18}, got, 1e-6f);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tflite", "tflite-ref"})
    void int8AddWithDifferentScales(String backend) throws Exception {
        Quantization qa = Quantization.perTensor(0.5f, 0);
        Quantization qb = Quantization.perTensor(0.25f, 10);
        Quantization qo = Quantization.perTensor(1f, -5);
        ModelBuilder b = new ModelBuilder();
        int a = b.input("a", DataType.INT8, qa, 1, 6);
        int c = b.input("b", DataType.INT8, qb, 1, 6);
        int o = b.tensor("o", DataType.INT8, qo, 1, 6);
        b.add(a, c, o, Activation.NONE).output(o);
        byte[] av = {-20, 0, 7, 100, -128, 127};
        byte[] bv = {10, 13, 11, 50, -127, 127};
        // real sums: -10, 0.75, 3.75, 60, -98.25, 92.75: no ties, so every rounding rule agrees.
        byte[] expected = {-15, -4, -1, 55, -103, 88};
        for (int i = 0; i < 6; i++) {
            double sum = 0.5 * av[i] + 0.25 * (bv[i] - 10);
            assertNotEquals(0.5, Math.abs(sum - Math.floor(sum)), "test data must avoid ties");
            assertEquals(expected[i], Math.max(-128, Math.min(127, Math.round(sum) - 5)), "hand value " + i);
        }
        try (Model m = b.buildModel()) {
            byte[][] out = TfliteRunner.runBytes(m, backend, av, bv);
            assertArrayEquals(expected, out[0]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tflite", "tflite-ref"})
    void quantizeThenDequantize(String backend) throws Exception {
        Quantization q = Quantization.perTensor(0.1f, 3);
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", DataType.FLOAT32, 1, 6);
        int xq = b.tensor("xq", DataType.INT8, q, 1, 6);
        int y = b.tensor("y", DataType.FLOAT32, 1, 6);
        b.quantize(x, xq).dequantize(xq, y).output(xq).output(y);
        try (Model m = b.buildModel();
             Session s = m.newSession(Session.Options.defaults().backend(backend))) {
            s.input(0).putFloats(new float[] {-20f, -1.23f, 0f, 0.04f, 2.56f, 13f});
            s.run();
            // x / 0.1 = -200, -12.3, 0, 0.4, 25.6, 130 -> round, + 3, clamp to int8
            byte[] expected = {-128, -9, 3, 3, 29, 127};
            assertArrayEquals(expected, s.output(0).getInt8());
            float[] deq = new float[6];
            for (int i = 0; i < 6; i++) {
                deq[i] = 0.1f * (expected[i] - 3);
            }
            assertArrayEquals(deq, s.output(1).getFloats(), 1e-6f);
        }
    }

    /**
     * A 3x3 per-channel int8 conv (SAME, stride 2, input zero point -3) against the reference in this class:
     * {@code tflite-ref} must match the gemmlowp (double rounding) oracle bit for bit and {@code tflite} (XNNPACK)
     * the fp32 oracle; how often the two oracles differ is printed, not hidden.
     */
    @ParameterizedTest
    @ValueSource(strings = {"tflite", "tflite-ref"})
    void int8PerChannelConvMatchesReference(String backend) throws Exception {
        Random rnd = new Random(20261127);
        int[] inShape = {1, 7, 6, 3};
        int[] wShape = {4, 3, 3, 3};
        float inScale = 0.05f;
        int inZp = -3;
        float[] wScales = {0.01f, 0.02f, 0.015f, 0.03f};
        float outScale = 0.2f;
        int outZp = 5;
        byte[] in = randomInt8(rnd, 1 * 7 * 6 * 3, -128);
        byte[] w = randomInt8(rnd, 4 * 3 * 3 * 3, -127);
        int[] bias = new int[4];
        float[] biasScales = new float[4];
        for (int c = 0; c < 4; c++) {
            bias[c] = rnd.nextInt(2001) - 1000;
            biasScales[c] = inScale * wScales[c];
        }
        int[] outShape = ModelBuilder.conv2dOutputShape(inShape, wShape, Padding.SAME, 2, 2, 1, 1);
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", DataType.INT8, Quantization.perTensor(inScale, inZp), inShape);
        int wt = b.constInt8("w", wShape, Quantization.perChannel(wScales, new long[4], 0), w);
        int bt = b.constInt32("b", new int[] {4}, Quantization.perChannel(biasScales, new long[4], 0), bias);
        int y = b.tensor("y", DataType.INT8, Quantization.perTensor(outScale, outZp), outShape);
        b.conv2d(x, wt, bt, y, Padding.SAME, 2, 2, Activation.NONE).output(y);

        int[] acc = convAccumulators(in, inShape, inZp, w, wShape, bias, outShape, 2);
        byte[] gemmlowp = new byte[acc.length];
        byte[] fp32 = new byte[acc.length];
        int differ = 0;
        for (int i = 0; i < acc.length; i++) {
            int c = i % 4;
            double real = (double) inScale * wScales[c] / outScale;
            gemmlowp[i] = (byte) TfliteRequant.requantizeGemmlowp(acc[i], real, outZp, -128, 127);
            fp32[i] = (byte) TfliteRequant.requantizeFp32(acc[i], inScale * wScales[c] / outScale, outZp, -128, 127);
            differ += gemmlowp[i] != fp32[i] ? 1 : 0;
        }
        System.out.printf("int8 conv: %d of %d outputs differ between the gemmlowp and fp32 oracles%n", differ,
                acc.length);
        int saturated = 0;
        for (byte v : gemmlowp) {
            saturated += v == 127 || v == -128 ? 1 : 0;
        }
        assertTrue(saturated < acc.length / 4, "test data should mostly stay inside the int8 range");
        try (Model m = b.buildModel()) {
            byte[] got = TfliteRunner.runBytes(m, backend, in)[0];
            assertArrayEquals(backend.equals("tflite") ? fp32 : gemmlowp, got, backend);
        }
    }

    private static byte[] randomInt8(Random rnd, int n, int min) {
        byte[] r = new byte[n];
        for (int i = 0; i < n; i++) {
            r[i] = (byte) (min + rnd.nextInt(128 - min));
        }
        return r;
    }

    /** Plain NHWC/OHWI convolution accumulators with TFLite's SAME padding (odd pixel after). */
    private static int[] convAccumulators(byte[] in, int[] inShape, int inZp, byte[] w, int[] wShape, int[] bias,
                                          int[] outShape, int stride) {
        int ih = inShape[1];
        int iw = inShape[2];
        int ic = inShape[3];
        int oc = wShape[0];
        int kh = wShape[1];
        int kw = wShape[2];
        int padT = ModelBuilder.paddingBefore(Padding.SAME, ih, kh, stride, 1);
        int padL = ModelBuilder.paddingBefore(Padding.SAME, iw, kw, stride, 1);
        int[] acc = new int[outShape[1] * outShape[2] * oc];
        for (int oy = 0; oy < outShape[1]; oy++) {
            for (int ox = 0; ox < outShape[2]; ox++) {
                for (int o = 0; o < oc; o++) {
                    int sum = bias[o];
                    for (int ky = 0; ky < kh; ky++) {
                        for (int kx = 0; kx < kw; kx++) {
                            int y = oy * stride - padT + ky;
                            int x = ox * stride - padL + kx;
                            if (y < 0 || y >= ih || x < 0 || x >= iw) {
                                continue; // padding contributes (zp - zp) = 0
                            }
                            for (int c = 0; c < ic; c++) {
                                sum += (in[(y * iw + x) * ic + c] - inZp) * w[((o * kh + ky) * kw + kx) * ic + c];
                            }
                        }
                    }
                    acc[(oy * outShape[2] + ox) * oc + o] = sum;
                }
            }
        }
        return acc;
    }
}
