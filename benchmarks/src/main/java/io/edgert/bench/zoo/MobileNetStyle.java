package io.edgert.bench.zoo;

import io.edgert.runtime.DataType;
import io.edgert.runtime.Model;
import io.edgert.runtime.ModelFormatException;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.model.ModelBuilder;
import io.edgert.runtime.model.ModelBuilder.Activation;
import io.edgert.runtime.model.ModelBuilder.Padding;

import java.util.Random;

/**
 * A MobileNetV1-style int8 classifier built in code (no file needed): a strided 3x3 conv, then depthwise 3x3 +
 * pointwise 1x1 blocks with ReLU6, global average pool, a fully connected layer and softmax, quantized as TFLite's
 * converter does (per-channel symmetric weights, per-tensor asymmetric activations, int32 biases). Weights are
 * seeded random, scaled so that activations keep a stable spread through the depth of the network; the numbers
 * are meaningless, the shapes and arithmetic are those of the real thing.
 */
public final class MobileNetStyle {
    /** Activations after ReLU6 live in [0, 6]: the fixed range TFLite's converter also uses for them. */
    private static final Quantization RELU6_OUT = Quantization.perTensor(6f / 255f, -128);

    private final ModelBuilder b = new ModelBuilder();
    private final Random random;
    private int layer;

    private MobileNetStyle(long seed) {
        this.random = new Random(seed);
    }

    /**
     * @param size    input height and width (e.g. 96, 128, 224)
     * @param alpha   width multiplier (0.25 for the edge variants)
     * @param classes output classes
     */
    public static Model int8(int size, float alpha, int classes, long seed) throws ModelFormatException {
        return new MobileNetStyle(seed).build(size, alpha, classes);
    }

    /** The demo's default: 96x96x3 input, alpha 0.25, 10 classes (visual-wake-words sized). */
    public static Model demoDefault() throws ModelFormatException {
        return int8(96, 0.25f, 10, 2024);
    }

    /**
     * One layer of the same kind as a model: input [1, h, w, inCh] -> CONV_2D (k x k, outCh channels) or, with
     * {@code depthwise}, DEPTHWISE_CONV_2D (3 x 3, multiplier 1; outCh ignored), SAME padding, ReLU6: what the
     * kernel benchmarks time in isolation.
     */
    public static Model layer(int h, int w, int inCh, int outCh, int k, int stride, boolean depthwise, long seed)
            throws ModelFormatException {
        MobileNetStyle m = new MobileNetStyle(seed);
        m.b.description("edgert kernel benchmark: " + (depthwise ? "depthwise 3x3" : "conv " + k + "x" + k) + " "
                + h + "x" + w + "x" + inCh + ", stride " + stride);
        int x = m.b.input("input", DataType.INT8, Quantization.perTensor(1f / 128f, 0), 1, h, w, inCh);
        int y = depthwise ? m.depthwise(x, stride) : m.conv(x, inCh, outCh, k, stride, 1f);
        m.b.output(y);
        return m.b.buildModel();
    }

    private Model build(int size, float alpha, int classes) throws ModelFormatException {
        b.description("edgert demo: MobileNetV1-style int8, " + size + "x" + size + ", alpha " + alpha);
        int x = b.inputWithSignature("input", DataType.INT8, Quantization.perTensor(1f / 128f, 0),
                new int[] {1, size, size, 3}, new int[] {-1, size, size, 3});
        float inRange = 1f;
        x = conv(x, 3, ch(32, alpha), 3, 2, inRange);
        int[][] blocks = {{64, 1}, {128, 2}, {128, 1}, {256, 2}, {256, 1}, {512, 2},
                {512, 1}, {512, 1}, {512, 1}, {512, 1}, {512, 1}, {1024, 2}, {1024, 1}};
        for (int[] blk : blocks) {
            x = depthwise(x, blk[1]);
            x = conv(x, b.shapeOf(x)[3], ch(blk[0], alpha), 1, 1, 6f);
        }
        int[] s = b.shapeOf(x);
        int pooled = b.tensor("pool", DataType.INT8, RELU6_OUT, 1, 1, 1, s[3]);
        b.averagePool2d(x, pooled, Padding.VALID, s[1], s[2], 1, 1, Activation.NONE);
        int flat = b.tensor("flatten", DataType.INT8, RELU6_OUT, 1, s[3]);
        b.reshape(pooled, flat, new int[] {1, s[3]});
        float wRange = (float) Math.sqrt(3.0 / s[3]);
        int w = weights("logits/weights", new int[] {classes, s[3]}, wRange, 0);
        int bias = bias("logits/bias", classes, 6f / 255f, wRange / 127f);
        int logits = b.tensor("logits", DataType.INT8, Quantization.perTensor(0.1f, 0), 1, classes);
        b.fullyConnected(flat, w, bias, logits, Activation.NONE, false);
        int probs = b.tensor("probabilities", DataType.INT8, Quantization.perTensor(1f / 256f, -128), 1, classes);
        b.softmax(logits, probs, 1f);
        b.output(probs);
        return b.buildModel();
    }

    private static int ch(int base, float alpha) {
        return Math.max(8, Math.round(base * alpha));
    }

    /** Conv + ReLU6 with weights scaled so the output spread matches the input's (He-style: sqrt(3/fan_in)). */
    private int conv(int x, int inCh, int outCh, int k, int stride, float inRange) {
        int[] in = b.shapeOf(x);
        float wRange = (float) Math.sqrt(6.0 / (k * k * inCh)) * 2f / Math.max(inRange, 1f);
        String name = "conv" + (layer++);
        int w = weights(name + "/weights", new int[] {outCh, k, k, inCh}, wRange, 0);
        int bias = bias(name + "/bias", outCh, b.shapeOf(x).length > 0 ? inputScale(x) : 1f, wRange / 127f);
        int[] outShape = ModelBuilder.conv2dOutputShape(in, b.shapeOf(w), Padding.SAME, stride, stride, 1, 1);
        int y = b.tensor(name + "/relu6", DataType.INT8, RELU6_OUT, outShape);
        b.conv2d(x, w, bias, y, Padding.SAME, stride, stride, Activation.RELU6);
        return y;
    }

    private int depthwise(int x, int stride) {
        int[] in = b.shapeOf(x);
        float wRange = (float) Math.sqrt(6.0 / 9) / 3f;
        String name = "dw" + (layer++);
        int w = weights(name + "/weights", new int[] {1, 3, 3, in[3]}, wRange, 3);
        int bias = bias(name + "/bias", in[3], inputScale(x), wRange / 127f);
        int[] outShape = ModelBuilder.depthwiseConv2dOutputShape(in, b.shapeOf(w), Padding.SAME, stride, stride, 1, 1);
        int y = b.tensor(name + "/relu6", DataType.INT8, RELU6_OUT, outShape);
        b.depthwiseConv2d(x, w, bias, y, Padding.SAME, stride, stride, 1, Activation.RELU6);
        return y;
    }

    private float inputScale(int tensor) {
        return tensor == 0 ? 1f / 128f : RELU6_OUT.scale();
    }

    /** Per-channel symmetric int8 weights along {@code axis}, each channel's scale from its own max. */
    private int weights(String name, int[] shape, float range, int axis) {
        int channels = shape[axis];
        int count = 1;
        for (int d : shape) {
            count *= d;
        }
        byte[] q = new byte[count];
        for (int i = 0; i < count; i++) {
            q[i] = (byte) (random.nextInt(255) - 127);
        }
        float[] scales = new float[channels];
        java.util.Arrays.fill(scales, range / 127f);
        long[] zps = new long[channels];
        return b.constInt8(name, shape, Quantization.perChannel(scales, zps, axis), q);
    }

    /** int32 bias with scale input_scale * weight_scale (per channel), small random values. */
    private int bias(String name, int channels, float inputScale, float weightScale) {
        int[] data = new int[channels];
        float[] scales = new float[channels];
        long[] zps = new long[channels];
        for (int c = 0; c < channels; c++) {
            scales[c] = inputScale * weightScale;
            data[c] = Math.round((random.nextFloat() * 0.2f) / scales[c]);
        }
        return b.constInt32(name, new int[] {channels}, channels == 1
                ? Quantization.perTensor(scales[0], 0) : Quantization.perChannel(scales, zps, 0), data);
    }
}
