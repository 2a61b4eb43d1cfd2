package io.edgert.runtime.parity;

import io.edgert.runtime.DataType;
import io.edgert.runtime.Model;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.model.ModelBuilder;
import io.edgert.runtime.model.ModelBuilder.Activation;
import io.edgert.runtime.model.ModelBuilder.Padding;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generators of random single-op (and small multi-op) models, one family per operator, for the native-vs-TFLite
 * parity suite. Each draws shapes, strides, paddings, dilations, zero points, scales and activations from a seeded
 * {@link RandomQuant}, within what TFLite's kernels accept.
 */
final class OpCases {
    interface Generator {
        Model build(RandomQuant q) throws Exception;
    }

    private OpCases() {
    }

    static Map<String, Generator> all() {
        Map<String, Generator> m = new LinkedHashMap<>();
        m.put("CONV_2D", OpCases::conv2d);
        m.put("DEPTHWISE_CONV_2D", OpCases::depthwise);
        m.put("FULLY_CONNECTED", OpCases::fullyConnected);
        m.put("ADD", q -> binary(q, "ADD"));
        m.put("SUB", q -> binary(q, "SUB"));
        m.put("MUL", q -> binary(q, "MUL"));
        m.put("AVERAGE_POOL_2D", q -> pool(q, true));
        m.put("MAX_POOL_2D", q -> pool(q, false));
        m.put("MEAN", OpCases::mean);
        m.put("SOFTMAX", OpCases::softmax);
        m.put("LOGISTIC", q -> fixedOutputUnary(q, "LOGISTIC"));
        m.put("TANH", q -> fixedOutputUnary(q, "TANH"));
        m.put("HARD_SWISH", q -> unary(q, "HARD_SWISH"));
        m.put("LEAKY_RELU", q -> unary(q, "LEAKY_RELU"));
        m.put("RELU", q -> unary(q, "RELU"));
        m.put("RELU6", q -> unary(q, "RELU6"));
        m.put("RESHAPE", OpCases::reshape);
        m.put("SQUEEZE", OpCases::squeeze);
        m.put("CONCATENATION", OpCases::concatenation);
        m.put("PAD", q -> pad(q, false));
        m.put("PADV2", q -> pad(q, true));
        m.put("STRIDED_SLICE", OpCases::stridedSlice);
        m.put("TRANSPOSE", OpCases::transpose);
        m.put("QUANTIZE", OpCases::quantize);
        m.put("DEQUANTIZE", OpCases::dequantize);
        m.put("multi-op", OpCases::multiOp);
        return m;
    }

    private static Activation activation(RandomQuant q) {
        return switch (q.between(0, 4)) {
            case 0, 1 -> Activation.NONE;
            case 2 -> Activation.RELU;
            case 3 -> Activation.RELU6;
            default -> Activation.RELU_N1_TO_1;
        };
    }

    private static Padding padding(RandomQuant q) {
        return q.random().nextBoolean() ? Padding.SAME : Padding.VALID;
    }

    private static int[] shape4(RandomQuant q, int maxHw, int maxC) {
        return new int[] {q.between(1, 2), q.between(1, maxHw), q.between(1, maxHw), q.between(1, maxC)};
    }

    /** Std of (q - zp) products for uniform 8-bit data: ~74 per factor. */
    private static double accStd(int k) {
        return Math.sqrt(k) * 74.0 * 74.0;
    }

    static Model conv2d(RandomQuant q) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = shape4(q, 12, 8);
        int kh = q.between(1, 5);
        int kw = q.between(1, 5);
        int sh = q.between(1, 3);
        int sw = q.between(1, 3);
        int dh = q.chance(0.25) ? 2 : 1;
        int dw = q.chance(0.25) ? 2 : 1;
        Padding p = padding(q);
        if (p == Padding.VALID) {
            in[1] = Math.max(in[1], (kh - 1) * dh + 1);
            in[2] = Math.max(in[2], (kw - 1) * dw + 1);
        }
        int cout = q.between(1, 8);
        Quantization qin = q.activation(t);
        int x = b.input("x", t, qin, in);
        int[] fshape = {cout, kh, kw, in[3]};
        Quantization qw = weightQuant(q, t, cout, 0);
        int w = constant(b, "w", t, fshape, qw, q.weights(t, cout * kh * kw * in[3]));
        int bias = b.constInt32("b", new int[] {cout}, biasQuant(qin, qw), q.biases(cout, 2000));
        int[] out = ModelBuilder.conv2dOutputShape(in, fshape, p, sh, sw, dh, dw);
        double std = accStd(kh * kw * in[3]) * qin.scale() * qw.scale(0);
        int y = b.tensor("y", t, Quantization.perTensor(q.outputScaleFor(std), q.zeroPoint(t)), out);
        b.conv2d(x, w, bias, y, p, sh, sw, dh, dw, activation(q)).output(y);
        return b.buildModel();
    }

    static Model depthwise(RandomQuant q) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = shape4(q, 12, 8);
        int mult = q.chance(0.3) ? q.between(2, 3) : 1;
        int kh = q.between(1, 5);
        int kw = q.between(1, 5);
        int sh = q.between(1, 3);
        int sw = q.between(1, 3);
        int dh = q.chance(0.25) ? 2 : 1;
        int dw = q.chance(0.25) ? 2 : 1;
        Padding p = padding(q);
        if (p == Padding.VALID) {
            in[1] = Math.max(in[1], (kh - 1) * dh + 1);
            in[2] = Math.max(in[2], (kw - 1) * dw + 1);
        }
        int cout = in[3] * mult;
        Quantization qin = q.activation(t);
        int x = b.input("x", t, qin, in);
        int[] fshape = {1, kh, kw, cout};
        Quantization qw = weightQuant(q, t, cout, 3);
        int w = constant(b, "w", t, fshape, qw, q.weights(t, kh * kw * cout));
        int bias = b.constInt32("b", new int[] {cout}, biasQuant(qin, qw), q.biases(cout, 2000));
        int[] out = ModelBuilder.depthwiseConv2dOutputShape(in, fshape, p, sh, sw, dh, dw);
        double std = accStd(kh * kw) * qin.scale() * qw.scale(0);
        int y = b.tensor("y", t, Quantization.perTensor(q.outputScaleFor(std), q.zeroPoint(t)), out);
        b.depthwiseConv2d(x, w, bias, y, p, sh, sw, dh, dw, mult, activation(q)).output(y);
        return b.buildModel();
    }

    static Model fullyConnected(RandomQuant q) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int batch = q.between(1, 3);
        int inner = q.between(1, 64);
        int units = q.between(1, 32);
        boolean keep = q.chance(0.3);
        int[] in = keep ? new int[] {1, batch, inner} : new int[] {batch, inner};
        Quantization qin = q.activation(t);
        int x = b.input("x", t, qin, in);
        Quantization qw = t == DataType.INT8 && q.chance(0.5) ? weightQuant(q, t, units, 0)
                : weightQuantPerTensor(q, t);
        int w = constant(b, "w", t, new int[] {units, inner}, qw, q.weights(t, units * inner));
        int bias = q.chance(0.2) ? ModelBuilder.NO_TENSOR
                : b.constInt32("b", new int[] {units}, biasQuant(qin, qw), q.biases(units, 2000));
        double std = accStd(inner) * qin.scale() * qw.scale(0);
        int[] out = keep ? new int[] {1, batch, units} : new int[] {batch, units};
        int y = b.tensor("y", t, Quantization.perTensor(q.outputScaleFor(std), q.zeroPoint(t)), out);
        b.fullyConnected(x, w, bias, y, activation(q), keep).output(y);
        return b.buildModel();
    }

    static Model binary(RandomQuant q, String op) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] shape = shape4(q, 6, 8);
        int[] other = shape.clone();
        if (q.chance(0.3)) { // broadcast one operand along H and W
            other = new int[] {1, 1, 1, shape[3]};
        }
        Quantization qa = q.activation(t);
        Quantization qb = q.activation(t);
        int a = b.input("a", t, qa, shape);
        int c = b.input("b", t, qb, other);
        double std = op.equals("MUL") ? 74 * qa.scale() * 74 * qb.scale()
                : Math.hypot(74 * qa.scale(), 74 * qb.scale());
        int y = b.tensor("y", t, Quantization.perTensor(q.outputScaleFor(std), q.zeroPoint(t)), shape);
        Activation act = activation(q);
        switch (op) {
            case "ADD" -> b.add(a, c, y, act);
            case "SUB" -> b.sub(a, c, y, act);
            default -> b.mul(a, c, y, act);
        }
        b.output(y);
        return b.buildModel();
    }

    static Model pool(RandomQuant q, boolean average) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = shape4(q, 12, 8);
        int fh = q.between(1, 4);
        int fw = q.between(1, 4);
        int sh = q.between(1, 3);
        int sw = q.between(1, 3);
        Padding p = padding(q);
        if (p == Padding.VALID) {
            in[1] = Math.max(in[1], fh);
            in[2] = Math.max(in[2], fw);
        }
        Quantization qa = q.activation(t);
        int x = b.input("x", t, qa, in);
        int[] out = ModelBuilder.pool2dOutputShape(in, p, fh, fw, sh, sw);
        int y = b.tensor("y", t, qa, out);
        Activation act = q.chance(0.7) ? Activation.NONE : activation(q);
        if (average) {
            b.averagePool2d(x, y, p, fh, fw, sh, sw, act);
        } else {
            b.maxPool2d(x, y, p, fh, fw, sh, sw, act);
        }
        b.output(y);
        return b.buildModel();
    }

    static Model mean(RandomQuant q) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = shape4(q, 10, 8);
        int[][] choices = {{1, 2}, {2, 1}, {1}, {2}, {3}, {1, 2, 3}};
        int[] axes = choices[q.between(0, choices.length - 1)];
        boolean keep = q.random().nextBoolean();
        List<Integer> outDims = new ArrayList<>();
        for (int d = 0; d < 4; d++) {
            final int dd = d;
            boolean reduced = Arrays.stream(axes).anyMatch(a -> a == dd);
            if (!reduced) {
                outDims.add(in[d]);
            } else if (keep) {
                outDims.add(1);
            }
        }
        Quantization qa = q.activation(t);
        int x = b.input("x", t, qa, in);
        Quantization qo = q.chance(0.5) ? qa : q.activation(t);
        int y = b.tensor("y", t, qo, outDims.stream().mapToInt(Integer::intValue).toArray());
        b.mean(x, y, axes, keep).output(y);
        return b.buildModel();
    }

    static Model softmax(RandomQuant q) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = q.random().nextBoolean() ? new int[] {q.between(1, 3), q.between(2, 40)} : shape4(q, 4, 12);
        int x = b.input("x", t, q.activation(t), in);
        long zp = t == DataType.INT8 ? -128 : 0;
        int y = b.tensor("y", t, Quantization.perTensor(1f / 256f, zp), in);
        float beta = q.chance(0.7) ? 1f : q.logUniform(0.1, 3);
        b.softmax(x, y, beta).output(y);
        return b.buildModel();
    }

    static Model fixedOutputUnary(RandomQuant q, String op) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = shape4(q, 6, 8);
        int x = b.input("x", t, q.activation(t), in);
        Quantization qo = op.equals("LOGISTIC")
                ? Quantization.perTensor(1f / 256f, t == DataType.INT8 ? -128 : 0)
                : Quantization.perTensor(1f / 128f, t == DataType.INT8 ? 0 : 128);
        int y = b.tensor("y", t, qo, in);
        if (op.equals("LOGISTIC")) {
            b.logistic(x, y);
        } else {
            b.tanh(x, y);
        }
        b.output(y);
        return b.buildModel();
    }

    static Model unary(RandomQuant q, String op) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = shape4(q, 6, 8);
        Quantization qa = q.activation(t);
        int x = b.input("x", t, qa, in);
        int y = b.tensor("y", t, q.chance(0.3) ? qa : q.activation(t), in);
        switch (op) {
            case "HARD_SWISH" -> b.hardSwish(x, y);
            case "LEAKY_RELU" -> b.leakyRelu(x, y, q.chance(0.5) ? 0.2f : q.logUniform(0.01, 0.9));
            case "RELU" -> b.relu(x, y);
            default -> b.relu6(x, y);
        }
        b.output(y);
        return b.buildModel();
    }

    static Model reshape(RandomQuant q) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = shape4(q, 6, 8);
        Quantization qa = q.activation(t);
        int x = b.input("x", t, qa, in);
        int[] out = {in[0], in[1] * in[2] * in[3]};
        int y = b.tensor("y", t, qa, out);
        b.reshape(x, y, out).output(y);
        return b.buildModel();
    }

    static Model squeeze(RandomQuant q) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = {q.between(1, 3), 1, 1, q.between(1, 16)};
        Quantization qa = q.activation(t);
        int x = b.input("x", t, qa, in);
        int y = b.tensor("y", t, qa, in[0], in[3]);
        b.squeeze(x, y, 1, 2).output(y);
        return b.buildModel();
    }

    static Model concatenation(RandomQuant q) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] base = shape4(q, 5, 6);
        int axis = q.between(0, 3);
        int n = q.between(2, 3);
        Quantization qo = q.activation(t);
        // TFLite's int8 concatenation requires equal parameters; uint8 requantizes each input.
        boolean sameParams = t == DataType.INT8 || q.chance(0.3);
        int[] ins = new int[n];
        int total = 0;
        for (int i = 0; i < n; i++) {
            int[] s = base.clone();
            s[axis] = q.between(1, 4);
            total += s[axis];
            ins[i] = b.input("x" + i, t, sameParams ? qo : q.activation(t), s);
        }
        int[] out = base.clone();
        out[axis] = total;
        int y = b.tensor("y", t, qo, out);
        b.concatenation(ins, y, q.chance(0.2) ? axis - 4 : axis, Activation.NONE).output(y);
        return b.buildModel();
    }

    static Model pad(RandomQuant q, boolean v2) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = shape4(q, 6, 6);
        Quantization qa = q.activation(t);
        int x = b.input("x", t, qa, in);
        int[][] pads = new int[4][2];
        int[] out = in.clone();
        for (int d = 1; d < 4; d++) {
            pads[d][0] = q.between(0, 2);
            pads[d][1] = q.between(0, 2);
            out[d] += pads[d][0] + pads[d][1];
        }
        int y = b.tensor("y", t, qa, out);
        if (v2) {
            int value = t == DataType.INT8 ? q.between(-128, 127) : q.between(0, 255);
            int c = t == DataType.INT8 ? b.constInt8("pad_value", new int[0], qa, (byte) value)
                    : b.constUint8("pad_value", new int[0], qa, value);
            b.padV2(x, y, pads, c);
        } else {
            b.pad(x, y, pads);
        }
        b.output(y);
        return b.buildModel();
    }

    static Model stridedSlice(RandomQuant q) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = shape4(q, 8, 8);
        Quantization qa = q.activation(t);
        int x = b.input("x", t, qa, in);
        int[] begin = new int[4];
        int[] end = new int[4];
        int[] strides = new int[4];
        int[] out = new int[4];
        for (int d = 0; d < 4; d++) {
            strides[d] = q.between(1, 2);
            begin[d] = q.between(0, in[d] - 1);
            end[d] = q.between(begin[d] + 1, in[d]);
            out[d] = (end[d] - begin[d] + strides[d] - 1) / strides[d];
        }
        int y = b.tensor("y", t, qa, out);
        b.stridedSlice(x, y, begin, end, strides, 0, 0, 0).output(y);
        return b.buildModel();
    }

    static Model transpose(RandomQuant q) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int rank = q.between(2, 4);
        int[] in = new int[rank];
        for (int d = 0; d < rank; d++) {
            in[d] = q.between(1, 5);
        }
        List<Integer> perm = new ArrayList<>();
        for (int d = 0; d < rank; d++) {
            perm.add(d);
        }
        java.util.Collections.shuffle(perm, q.random());
        int[] p = perm.stream().mapToInt(Integer::intValue).toArray();
        int[] out = new int[rank];
        for (int d = 0; d < rank; d++) {
            out[d] = in[p[d]];
        }
        Quantization qa = q.activation(t);
        int x = b.input("x", t, qa, in);
        int y = b.tensor("y", t, qa, out);
        b.transpose(x, y, p).output(y);
        return b.buildModel();
    }

    static Model quantize(RandomQuant q) throws Exception {
        ModelBuilder b = new ModelBuilder();
        int[] in = shape4(q, 6, 6);
        DataType from = switch (q.between(0, 2)) {
            case 0 -> DataType.FLOAT32;
            case 1 -> DataType.INT8;
            default -> DataType.UINT8;
        };
        DataType to = from == DataType.FLOAT32 ? q.quantizedType() : DataType.INT8;
        if (from == DataType.INT8 && q.chance(0.5)) {
            to = DataType.UINT8;
        }
        int x = b.input("x", from, from == DataType.FLOAT32 ? Quantization.NONE : q.activation(from), in);
        int y = b.tensor("y", to, q.activation(to), in);
        b.quantize(x, y).output(y);
        return b.buildModel();
    }

    static Model dequantize(RandomQuant q) throws Exception {
        DataType t = q.quantizedType();
        ModelBuilder b = new ModelBuilder();
        int[] in = shape4(q, 6, 6);
        int x = b.input("x", t, q.activation(t), in);
        int y = b.tensor("y", DataType.FLOAT32, in);
        b.dequantize(x, y).output(y);
        return b.buildModel();
    }

    /** conv -> depthwise -> add (residual) -> average pool -> reshape -> fully connected -> softmax. */
    static Model multiOp(RandomQuant q) throws Exception {
        DataType t = DataType.INT8;
        ModelBuilder b = new ModelBuilder();
        int c = q.between(2, 8);
        int hw = q.between(3, 10);
        Quantization qin = q.activation(t);
        int x = b.input("x", t, qin, 1, hw, hw, q.between(1, 4));
        int[] s = b.shapeOf(x);
        Quantization qw = weightQuant(q, t, c, 0);
        int w = constant(b, "w1", t, new int[] {c, 3, 3, s[3]}, qw, q.weights(t, c * 9 * s[3]));
        int bias = b.constInt32("b1", new int[] {c}, biasQuant(qin, qw), q.biases(c, 500));
        Quantization q1 = Quantization.perTensor(q.outputScaleFor(accStd(9 * s[3]) * qin.scale() * qw.scale(0)), -128);
        int y1 = b.tensor("y1", t, q1, 1, hw, hw, c);
        b.conv2d(x, w, bias, y1, Padding.SAME, 1, 1, Activation.RELU);
        Quantization qdw = weightQuant(q, t, c, 3);
        int w2 = constant(b, "w2", t, new int[] {1, 3, 3, c}, qdw, q.weights(t, 9 * c));
        int b2 = b.constInt32("b2", new int[] {c}, biasQuant(q1, qdw), q.biases(c, 500));
        Quantization q2 = Quantization.perTensor(q.outputScaleFor(accStd(9) * q1.scale() * qdw.scale(0)), q.zeroPoint(t));
        int y2 = b.tensor("y2", t, q2, 1, hw, hw, c);
        b.depthwiseConv2d(y1, w2, b2, y2, Padding.SAME, 1, 1, 1, Activation.NONE);
        Quantization q3 = q.activation(t);
        int y3 = b.tensor("y3", t, q3, 1, hw, hw, c);
        b.add(y1, y2, y3, Activation.RELU6);
        int y4 = b.tensor("y4", t, q3, 1, 1, 1, c);
        b.averagePool2d(y3, y4, Padding.VALID, hw, hw, 1, 1, Activation.NONE);
        int y5 = b.tensor("y5", t, q3, 1, c);
        b.reshape(y4, y5, new int[] {1, c});
        int units = q.between(2, 10);
        Quantization qf = weightQuant(q, t, units, 0);
        int wf = constant(b, "wf", t, new int[] {units, c}, qf, q.weights(t, units * c));
        int bf = b.constInt32("bf", new int[] {units}, biasQuant(q3, qf), q.biases(units, 500));
        Quantization q6 = Quantization.perTensor(q.outputScaleFor(accStd(c) * q3.scale() * qf.scale(0)), q.zeroPoint(t));
        int y6 = b.tensor("y6", t, q6, 1, units);
        b.fullyConnected(y5, wf, bf, y6, Activation.NONE, false);
        int y7 = b.tensor("y7", t, Quantization.perTensor(1f / 256f, -128), 1, units);
        b.softmax(y6, y7, 1f).output(y7);
        return b.buildModel();
    }

    private static Quantization weightQuant(RandomQuant q, DataType t, int channels, int axis) {
        if (t == DataType.UINT8) {
            return weightQuantPerTensor(q, t);
        }
        float[] scales = new float[channels];
        for (int i = 0; i < channels; i++) {
            scales[i] = q.logUniform(0.001, 0.05);
        }
        return channels == 1 ? Quantization.perTensor(scales[0], 0)
                : Quantization.perChannel(scales, new long[channels], axis);
    }

    private static Quantization weightQuantPerTensor(RandomQuant q, DataType t) {
        return Quantization.perTensor(q.logUniform(0.001, 0.05), t == DataType.INT8 ? 0 : q.between(0, 255));
    }

    private static Quantization biasQuant(Quantization in, Quantization w) {
        float[] s = new float[w.channelCount()];
        for (int i = 0; i < s.length; i++) {
            s[i] = in.scale() * w.scale(i);
        }
        return s.length == 1 ? Quantization.perTensor(s[0], 0) : Quantization.perChannel(s, new long[s.length], 0);
    }

    private static int constant(ModelBuilder b, String name, DataType t, int[] shape, Quantization q, byte[] data) {
        if (t == DataType.INT8) {
            return b.constInt8(name, shape, q, data);
        }
        int[] u = new int[data.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = Byte.toUnsignedInt(data[i]);
        }
        return b.constUint8(name, shape, q, u);
    }
}
