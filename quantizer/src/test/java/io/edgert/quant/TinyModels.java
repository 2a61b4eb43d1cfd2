package io.edgert.quant;

import io.edgert.runtime.DataType;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.model.ModelBuilder;
import io.edgert.runtime.model.ModelBuilder.Activation;
import io.edgert.runtime.model.ModelBuilder.Padding;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.ExpOptionsT;

/** Small float models built with {@link ModelBuilder}, for ops the shared float models lack. */
final class TinyModels {
    private static final DataType F32 = DataType.FLOAT32;

    private TinyModels() {
    }

    /**
     * x[1,4,4,2] -> PAD -> MUL(const) -> CONCATENATION(with the PAD output) -> MEAN(axes 1,2) -> ADD(const) ->
     * LOGISTIC, optionally with an EXP (no int8 rule) after the ADD.
     */
    static byte[] elementwiseChain(boolean withExp) {
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", F32, 1, 4, 4, 2);
        int p = b.tensor("pad", F32, 1, 6, 6, 2);
        b.pad(x, p, new int[][] {{0, 0}, {1, 1}, {1, 1}, {0, 0}});
        int k = b.constFloat("k", new int[] {2}, 0.5f, -2f);
        int mul = b.tensor("mul", F32, 1, 6, 6, 2);
        b.mul(p, k, mul, Activation.NONE);
        int cat = b.tensor("concat", F32, 1, 6, 6, 4);
        b.concatenation(new int[] {mul, p}, cat, 3, Activation.NONE);
        int mean = b.tensor("mean", F32, 1, 4);
        b.mean(cat, mean, new int[] {1, 2}, false);
        int c = b.constFloat("c", new int[] {4}, 0.1f, -0.2f, 0.3f, 0f);
        int add = b.tensor("add", F32, 1, 4);
        b.add(mean, c, add, Activation.NONE);
        int last = add;
        if (withExp) {
            last = b.tensor("exp", F32, 1, 4);
            b.op(BuiltinOperator.EXP, new int[] {add}, new int[] {last}, BuiltinOptions.ExpOptions, new ExpOptionsT());
        }
        int y = b.tensor("y", F32, 1, 4);
        b.logistic(last, y).output(y);
        return b.build();
    }

    /**
     * The rest of the builder's ops and activations, float: x[1,8,8,3] -> CONV(relu6) -> MAX_POOL -> DEPTHWISE ->
     * HARD_SWISH -> SUB(const) -> LEAKY_RELU -> TRANSPOSE -> STRIDED_SLICE -> RELU -> AVERAGE_POOL -> SQUEEZE ->
     * FULLY_CONNECTED -> TANH -> RESHAPE -> SOFTMAX.
     */
    static byte[] remainingOps() {
        ModelBuilder b = new ModelBuilder();
        int x = b.input("x", F32, Quantization.NONE, 1, 8, 8, 3);
        int w = b.constFloat("conv_w", new int[] {4, 3, 3, 3}, ramp(4 * 3 * 3 * 3, 0.05f));
        int bias = b.constFloat("conv_b", new int[] {4}, 0.1f, -0.1f, 0.2f, 0f);
        int conv = b.tensor("conv", F32, 1, 8, 8, 4);
        b.conv2d(x, w, bias, conv, Padding.SAME, 1, 1, Activation.RELU6);
        int pool = b.tensor("maxpool", F32, 1, 4, 4, 4);
        b.maxPool2d(conv, pool, Padding.VALID, 2, 2, 2, 2, Activation.NONE);
        int dww = b.constFloat("dw_w", new int[] {1, 3, 3, 4}, ramp(36, 0.1f));
        int dwb = b.constFloat("dw_b", new int[] {4}, 0f, 0.05f, -0.05f, 0.1f);
        int dw = b.tensor("dw", F32, 1, 4, 4, 4);
        b.depthwiseConv2d(pool, dww, dwb, dw, Padding.SAME, 1, 1, 1, Activation.NONE);
        int hs = b.tensor("hardswish", F32, 1, 4, 4, 4);
        b.hardSwish(dw, hs);
        int k = b.constFloat("sub_k", new int[] {4}, 0.5f, 0.25f, -0.25f, 1f);
        int sub = b.tensor("sub", F32, 1, 4, 4, 4);
        b.sub(hs, k, sub, Activation.NONE);
        int lrelu = b.tensor("leaky_relu", F32, 1, 4, 4, 4);
        b.leakyRelu(sub, lrelu, 0.1f);
        int tr = b.tensor("transpose", F32, 1, 4, 4, 4);
        b.transpose(lrelu, tr, 0, 2, 1, 3);
        int sl = b.tensor("slice", F32, 1, 2, 4, 4);
        b.stridedSlice(tr, sl, new int[] {0, 1, 0, 0}, new int[] {1, 3, 4, 4}, new int[] {1, 1, 1, 1}, 0, 0, 0);
        int relu = b.tensor("relu", F32, 1, 2, 4, 4);
        b.relu(sl, relu);
        int avg = b.tensor("avgpool", F32, 1, 1, 1, 4);
        b.averagePool2d(relu, avg, Padding.VALID, 2, 4, 1, 1, Activation.NONE);
        int sq = b.tensor("squeeze", F32, 1, 4);
        b.squeeze(avg, sq, 1, 2);
        int fw = b.constFloat("fc_w", new int[] {3, 4}, ramp(12, 0.2f));
        int fb = b.constFloat("fc_b", new int[] {3}, 0.1f, 0f, -0.1f);
        int fc = b.tensor("fc", F32, 1, 3);
        b.fullyConnected(sq, fw, fb, fc, Activation.NONE, false);
        int th = b.tensor("tanh", F32, 1, 3);
        b.tanh(fc, th);
        int rs = b.tensor("reshape", F32, 1, 3);
        b.reshape(th, rs, new int[] {1, 3});
        int y = b.tensor("y", F32, 1, 3);
        b.softmax(rs, y, 1f).output(y);
        return b.build();
    }

    /** Deterministic values in [-scale, scale), varied enough to give every channel its own range. */
    private static float[] ramp(int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * (((i * 37) % 23) / 11.5f - 1f);
        }
        return v;
    }
}
