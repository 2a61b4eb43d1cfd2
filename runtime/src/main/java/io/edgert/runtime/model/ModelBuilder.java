package io.edgert.runtime.model;

import io.edgert.runtime.DataType;
import io.edgert.runtime.Model;
import io.edgert.runtime.ModelFormatException;
import io.edgert.runtime.Quantization;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.AddOptionsT;
import org.tensorflow.lite.schema.BufferT;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.BuiltinOptionsUnion;
import org.tensorflow.lite.schema.ConcatenationOptionsT;
import org.tensorflow.lite.schema.Conv2DOptionsT;
import org.tensorflow.lite.schema.DepthwiseConv2DOptionsT;
import org.tensorflow.lite.schema.DequantizeOptionsT;
import org.tensorflow.lite.schema.FullyConnectedOptionsT;
import org.tensorflow.lite.schema.HardSwishOptionsT;
import org.tensorflow.lite.schema.LeakyReluOptionsT;
import org.tensorflow.lite.schema.ModelT;
import org.tensorflow.lite.schema.MulOptionsT;
import org.tensorflow.lite.schema.OperatorCodeT;
import org.tensorflow.lite.schema.OperatorT;
import org.tensorflow.lite.schema.PadOptionsT;
import org.tensorflow.lite.schema.PadV2OptionsT;
import org.tensorflow.lite.schema.Pool2DOptionsT;
import org.tensorflow.lite.schema.QuantizationParametersT;
import org.tensorflow.lite.schema.QuantizeOptionsT;
import org.tensorflow.lite.schema.ReducerOptionsT;
import org.tensorflow.lite.schema.ReshapeOptionsT;
import org.tensorflow.lite.schema.SoftmaxOptionsT;
import org.tensorflow.lite.schema.SqueezeOptionsT;
import org.tensorflow.lite.schema.StridedSliceOptionsT;
import org.tensorflow.lite.schema.SubGraphT;
import org.tensorflow.lite.schema.SubOptionsT;
import org.tensorflow.lite.schema.TensorT;
import org.tensorflow.lite.schema.TransposeOptionsT;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds single-subgraph TFLite models in code, for tests, the quantizer and parity checks.
 *
 * <p>Every tensor method returns the new tensor's index; operator methods take those indices and return the builder.
 * The builder does not infer shapes: the caller gives each op output's shape, type and quantization (the static
 * {@code *OutputShape} helpers compute conv and pool shapes). Small int32 parameters such as axes, permutations,
 * paddings and slice bounds are passed as {@code int[]} and become constant tensors named after the op's output.
 *
 * <pre>{@code
 * ModelBuilder b = new ModelBuilder();
 * int x = b.input("x", DataType.FLOAT32, 1, 3);
 * int w = b.constFloat("w", new int[] {2, 3}, 1, 2, 3, 4, 5, 6);
 * int y = b.tensor("y", DataType.FLOAT32, 1, 2);
 * b.fullyConnected(x, w, -1, y, ModelBuilder.Activation.NONE, false).output(y);
 * try (Model m = b.buildModel()) { ... }
 * }</pre>
 *
 * <p>The file follows what TFLite's converter writes: schema version 3, buffer 0 the empty sentinel that every
 * non-constant tensor points at, one buffer per constant, operator codes shared between ops of the same type and
 * version, and both {@code deprecated_builtin_code} (saturated at 127) and {@code builtin_code} set.
 * Not thread-safe.
 */
public final class ModelBuilder {
    /** Padding of convolutions and pools, as TFLite defines it. */
    public enum Padding {
        SAME(org.tensorflow.lite.schema.Padding.SAME),
        VALID(org.tensorflow.lite.schema.Padding.VALID);

        private final byte code;

        Padding(byte code) {
            this.code = code;
        }

        /** The schema's {@code Padding} value. */
        public byte code() {
            return code;
        }
    }

    /** Fused activation of the ops that have one. */
    public enum Activation {
        NONE(ActivationFunctionType.NONE),
        RELU(ActivationFunctionType.RELU),
        RELU_N1_TO_1(ActivationFunctionType.RELU_N1_TO_1),
        RELU6(ActivationFunctionType.RELU6),
        TANH(ActivationFunctionType.TANH);

        private final byte code;

        Activation(byte code) {
            this.code = code;
        }

        /** The schema's {@code ActivationFunctionType} value. */
        public byte code() {
            return code;
        }
    }

    /** Marks an omitted optional op input (e.g. no bias), as in the TFLite schema. */
    public static final int NO_TENSOR = -1;

    private final List<TensorT> tensors = new ArrayList<>();
    private final List<BufferT> buffers = new ArrayList<>();
    private final List<OperatorCodeT> codes = new ArrayList<>();
    private final Map<String, Integer> codeIndex = new HashMap<>();
    private final List<OperatorT> operators = new ArrayList<>();
    private final List<Integer> inputs = new ArrayList<>();
    private final List<Integer> outputs = new ArrayList<>();
    private String description = "edgert ModelBuilder";
    private String subgraphName = "main";

    public ModelBuilder() {
        buffers.add(new BufferT()); // buffer 0: the schema's empty sentinel
    }

    /** The model's description string (default "edgert ModelBuilder"). */
    public ModelBuilder description(String description) {
        this.description = description;
        return this;
    }

    /** The subgraph's name (default "main"). */
    public ModelBuilder subgraphName(String name) {
        this.subgraphName = name;
        return this;
    }

    // ---------------------------------------------------------------- tensors

    /** A graph input without quantization. */
    public int input(String name, DataType type, int... shape) {
        return input(name, type, Quantization.NONE, shape);
    }

    /** A graph input with quantization parameters. */
    public int input(String name, DataType type, Quantization q, int... shape) {
        return inputWithSignature(name, type, q, shape, null);
    }

    /**
     * A graph input whose {@code shape_signature} marks resizable dimensions with -1 (e.g. {@code {-1, 28, 28, 1}}
     * for a dynamic batch); {@code shape} is the size it starts with.
     */
    public int inputWithSignature(String name, DataType type, Quantization q, int[] shape, int[] signature) {
        int t = addTensor(name, type, shape, q, 0);
        if (signature != null) {
            if (signature.length != shape.length) {
                throw new IllegalArgumentException("tensor '" + name + "': expected a signature of rank " + shape.length
                        + ", got " + Arrays.toString(signature));
            }
            tensors.get(t).setShapeSignature(signature.clone());
        }
        inputs.add(t);
        return t;
    }

    /** An op output or intermediate tensor (no data). Mark graph outputs with {@link #output(int)}. */
    public int tensor(String name, DataType type, int... shape) {
        return tensor(name, type, Quantization.NONE, shape);
    }

    /** An op output or intermediate tensor with quantization parameters. */
    public int tensor(String name, DataType type, Quantization q, int... shape) {
        return addTensor(name, type, shape, q, 0);
    }

    /** Marks a tensor as a graph output (in call order). */
    public ModelBuilder output(int tensor) {
        checkTensor(tensor, "graph output");
        outputs.add(tensor);
        return this;
    }

    /** A float32 constant. */
    public int constFloat(String name, int[] shape, float... data) {
        ByteBuffer b = littleEndian(data.length * 4L);
        b.asFloatBuffer().put(data);
        return constant(name, DataType.FLOAT32, shape, Quantization.NONE, data.length, b.array());
    }

    /** An int8 constant (weights: per-tensor or per-channel {@code q}, or {@link Quantization#NONE}). */
    public int constInt8(String name, int[] shape, Quantization q, byte... data) {
        return constant(name, DataType.INT8, shape, q, data.length, data.clone());
    }

    /** A uint8 constant; values must be in [0, 255]. */
    public int constUint8(String name, int[] shape, Quantization q, int... data) {
        byte[] bytes = new byte[data.length];
        for (int i = 0; i < data.length; i++) {
            if (data[i] < 0 || data[i] > 255) {
                throw new IllegalArgumentException("tensor '" + name + "': expected uint8 values in [0, 255], got "
                        + data[i] + " at element " + i);
            }
            bytes[i] = (byte) data[i];
        }
        return constant(name, DataType.UINT8, shape, q, data.length, bytes);
    }

    /** An int32 constant (biases with {@code q}, or shape/axis parameters with {@link Quantization#NONE}). */
    public int constInt32(String name, int[] shape, Quantization q, int... data) {
        ByteBuffer b = littleEndian(data.length * 4L);
        b.asIntBuffer().put(data);
        return constant(name, DataType.INT32, shape, q, data.length, b.array());
    }

    /** A constant of any type from its little-endian bytes (checked against shape x type). */
    public int constBytes(String name, DataType type, int[] shape, Quantization q, byte[] littleEndian) {
        if (type.byteSize() == 0) {
            throw new IllegalArgumentException("tensor '" + name + "': expected a fixed-size type, got " + type.label());
        }
        if (littleEndian.length % type.byteSize() != 0) {
            throw new IllegalArgumentException("tensor '" + name + "': expected a multiple of " + type.byteSize()
                    + " bytes for " + type.label() + ", got " + littleEndian.length);
        }
        return constant(name, type, shape, q, littleEndian.length / type.byteSize(), littleEndian.clone());
    }

    private int constant(String name, DataType type, int[] shape, Quantization q, long elements, byte[] bytes) {
        long expected = TensorInfo.elementCount(shape);
        if (elements != expected) {
            throw new IllegalArgumentException("tensor '" + name + "' " + Arrays.toString(shape) + ": expected "
                    + expected + " elements, got " + elements);
        }
        BufferT buf = new BufferT();
        int[] data = new int[bytes.length]; // the object API holds ubyte vectors as int[]
        for (int i = 0; i < bytes.length; i++) {
            data[i] = Byte.toUnsignedInt(bytes[i]);
        }
        buf.setData(data);
        buffers.add(buf);
        return addTensor(name, type, shape, q, buffers.size() - 1);
    }

    private int addTensor(String name, DataType type, int[] shape, Quantization q, int buffer) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(q, "quantization");
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("tensor '" + name + "': expected non-negative dimensions, got "
                        + Arrays.toString(shape));
            }
        }
        TensorT t = new TensorT();
        t.setName(name);
        t.setType(type.tfliteCode());
        t.setShape(shape.clone());
        t.setBuffer(buffer);
        if (q.isQuantized()) {
            QuantizationParametersT qp = new QuantizationParametersT();
            qp.setScale(q.scales());
            long[] zeros = new long[q.channelCount()];
            for (int c = 0; c < zeros.length; c++) {
                zeros[c] = q.zeroPoint(c);
            }
            qp.setZeroPoint(zeros);
            qp.setQuantizedDimension(q.quantizedDimension());
            t.setQuantization(qp);
        }
        tensors.add(t);
        return tensors.size() - 1;
    }

    /** The shape this builder holds for a tensor (a copy). */
    public int[] shapeOf(int tensor) {
        checkTensor(tensor, "tensor");
        return tensors.get(tensor).getShape().clone();
    }

    /** Number of tensors added so far (the next tensor gets this index). */
    public int tensorCount() {
        return tensors.size();
    }

    // ---------------------------------------------------------------- convolutions and fully connected

    /**
     * CONV_2D: input NHWC, filter OHWI, bias [O], output NHWC. {@link #NO_TENSOR} for the bias writes a two-input
     * op, which the schema allows but TFLite 2.20's kernel refuses at prepare time ("has_bias was not true"):
     * give a zero bias for models TFLite must run.
     */
    public ModelBuilder conv2d(int input, int filter, int bias, int output, Padding padding, int strideH, int strideW,
                               Activation activation) {
        return conv2d(input, filter, bias, output, padding, strideH, strideW, 1, 1, activation);
    }

    /** CONV_2D with dilation. */
    public ModelBuilder conv2d(int input, int filter, int bias, int output, Padding padding, int strideH, int strideW,
                               int dilationH, int dilationW, Activation activation) {
        Conv2DOptionsT o = new Conv2DOptionsT();
        o.setPadding(padding.code());
        o.setStrideH(strideH);
        o.setStrideW(strideW);
        o.setDilationHFactor(dilationH);
        o.setDilationWFactor(dilationW);
        o.setFusedActivationFunction(activation.code());
        return op(BuiltinOperator.CONV_2D, convInputs(input, filter, bias), outs(output), BuiltinOptions.Conv2DOptions, o);
    }

    /**
     * DEPTHWISE_CONV_2D: input NHWC, filter [1, H, W, C x depthMultiplier], bias [C x depthMultiplier] or
     * {@link #NO_TENSOR}.
     */
    public ModelBuilder depthwiseConv2d(int input, int filter, int bias, int output, Padding padding, int strideH,
                                        int strideW, int depthMultiplier, Activation activation) {
        return depthwiseConv2d(input, filter, bias, output, padding, strideH, strideW, 1, 1, depthMultiplier,
                activation);
    }

    /** DEPTHWISE_CONV_2D with dilation. */
    public ModelBuilder depthwiseConv2d(int input, int filter, int bias, int output, Padding padding, int strideH,
                                        int strideW, int dilationH, int dilationW, int depthMultiplier,
                                        Activation activation) {
        DepthwiseConv2DOptionsT o = new DepthwiseConv2DOptionsT();
        o.setPadding(padding.code());
        o.setStrideH(strideH);
        o.setStrideW(strideW);
        o.setDilationHFactor(dilationH);
        o.setDilationWFactor(dilationW);
        o.setDepthMultiplier(depthMultiplier);
        o.setFusedActivationFunction(activation.code());
        return op(BuiltinOperator.DEPTHWISE_CONV_2D, convInputs(input, filter, bias), outs(output),
                BuiltinOptions.DepthwiseConv2DOptions, o);
    }

    /**
     * FULLY_CONNECTED: weights [units, inner], bias [units] or {@link #NO_TENSOR}. With {@code keepNumDims} the
     * output keeps the input's leading dimensions ([..., units]); without, it is [rows, units].
     */
    public ModelBuilder fullyConnected(int input, int weights, int bias, int output, Activation activation,
                                       boolean keepNumDims) {
        FullyConnectedOptionsT o = new FullyConnectedOptionsT();
        o.setFusedActivationFunction(activation.code());
        o.setKeepNumDims(keepNumDims);
        return op(BuiltinOperator.FULLY_CONNECTED, ins(input, weights, bias), outs(output),
                BuiltinOptions.FullyConnectedOptions, o);
    }

    // ---------------------------------------------------------------- element-wise binary

    /** ADD with broadcasting. */
    public ModelBuilder add(int a, int b, int output, Activation activation) {
        AddOptionsT o = new AddOptionsT();
        o.setFusedActivationFunction(activation.code());
        return op(BuiltinOperator.ADD, ins(a, b), outs(output), BuiltinOptions.AddOptions, o);
    }

    /** SUB with broadcasting. */
    public ModelBuilder sub(int a, int b, int output, Activation activation) {
        SubOptionsT o = new SubOptionsT();
        o.setFusedActivationFunction(activation.code());
        return op(BuiltinOperator.SUB, ins(a, b), outs(output), BuiltinOptions.SubOptions, o);
    }

    /** MUL with broadcasting. */
    public ModelBuilder mul(int a, int b, int output, Activation activation) {
        MulOptionsT o = new MulOptionsT();
        o.setFusedActivationFunction(activation.code());
        return op(BuiltinOperator.MUL, ins(a, b), outs(output), BuiltinOptions.MulOptions, o);
    }

    // ---------------------------------------------------------------- pooling and reductions

    /** AVERAGE_POOL_2D over NHWC. */
    public ModelBuilder averagePool2d(int input, int output, Padding padding, int filterH, int filterW, int strideH,
                                      int strideW, Activation activation) {
        return pool(BuiltinOperator.AVERAGE_POOL_2D, input, output, padding, filterH, filterW, strideH, strideW,
                activation);
    }

    /** MAX_POOL_2D over NHWC. */
    public ModelBuilder maxPool2d(int input, int output, Padding padding, int filterH, int filterW, int strideH,
                                  int strideW, Activation activation) {
        return pool(BuiltinOperator.MAX_POOL_2D, input, output, padding, filterH, filterW, strideH, strideW,
                activation);
    }

    private ModelBuilder pool(int code, int input, int output, Padding padding, int filterH, int filterW, int strideH,
                              int strideW, Activation activation) {
        Pool2DOptionsT o = new Pool2DOptionsT();
        o.setPadding(padding.code());
        o.setFilterHeight(filterH);
        o.setFilterWidth(filterW);
        o.setStrideH(strideH);
        o.setStrideW(strideW);
        o.setFusedActivationFunction(activation.code());
        return op(code, ins(input), outs(output), BuiltinOptions.Pool2DOptions, o);
    }

    /** MEAN over {@code axes} (a constant int32 tensor is added for them). */
    public ModelBuilder mean(int input, int output, int[] axes, boolean keepDims) {
        int axesTensor = paramTensor(output, "axes", axes);
        ReducerOptionsT o = new ReducerOptionsT();
        o.setKeepDims(keepDims);
        return op(BuiltinOperator.MEAN, ins(input, axesTensor), outs(output), BuiltinOptions.ReducerOptions, o);
    }

    // ---------------------------------------------------------------- shape ops

    /** RESHAPE to {@code newShape} (given both as the shape input tensor and in the options, as the converter does). */
    public ModelBuilder reshape(int input, int output, int[] newShape) {
        int shapeTensor = paramTensor(output, "shape", newShape);
        ReshapeOptionsT o = new ReshapeOptionsT();
        o.setNewShape(newShape.clone());
        return op(BuiltinOperator.RESHAPE, ins(input, shapeTensor), outs(output), BuiltinOptions.ReshapeOptions, o);
    }

    /** SQUEEZE the given dimensions (empty: every dimension of size 1). */
    public ModelBuilder squeeze(int input, int output, int... squeezeDims) {
        SqueezeOptionsT o = new SqueezeOptionsT();
        o.setSqueezeDims(squeezeDims.clone());
        return op(BuiltinOperator.SQUEEZE, ins(input), outs(output), BuiltinOptions.SqueezeOptions, o);
    }

    /** CONCATENATION along {@code axis}. */
    public ModelBuilder concatenation(int[] inputs, int output, int axis, Activation activation) {
        ConcatenationOptionsT o = new ConcatenationOptionsT();
        o.setAxis(axis);
        o.setFusedActivationFunction(activation.code());
        return op(BuiltinOperator.CONCATENATION, inputs.clone(), outs(output), BuiltinOptions.ConcatenationOptions, o);
    }

    /** PAD with zeros (the zero point for quantized tensors); {@code paddings} is [rank][2] (before, after). */
    public ModelBuilder pad(int input, int output, int[][] paddings) {
        int p = paddingsTensor(output, paddings);
        return op(BuiltinOperator.PAD, ins(input, p), outs(output), BuiltinOptions.PadOptions, new PadOptionsT());
    }

    /** PADV2 with {@code constantValue}, a scalar (or [1]) tensor of the input's type. */
    public ModelBuilder padV2(int input, int output, int[][] paddings, int constantValue) {
        int p = paddingsTensor(output, paddings);
        return op(BuiltinOperator.PADV2, ins(input, p, constantValue), outs(output), BuiltinOptions.PadV2Options,
                new PadV2OptionsT());
    }

    private int paddingsTensor(int output, int[][] paddings) {
        int[] flat = new int[paddings.length * 2];
        for (int i = 0; i < paddings.length; i++) {
            if (paddings[i].length != 2) {
                throw new IllegalArgumentException("paddings row " + i + ": expected 2 values (before, after), got "
                        + paddings[i].length);
            }
            flat[2 * i] = paddings[i][0];
            flat[2 * i + 1] = paddings[i][1];
        }
        return constInt32(nameOf(output) + "/paddings", new int[] {paddings.length, 2}, Quantization.NONE, flat);
    }

    /** STRIDED_SLICE with the masks TFLite defines (bit i applies to dimension i); ellipsis and new-axis masks 0. */
    public ModelBuilder stridedSlice(int input, int output, int[] begin, int[] end, int[] strides, int beginMask,
                                     int endMask, int shrinkAxisMask) {
        if (begin.length != end.length || begin.length != strides.length) {
            throw new IllegalArgumentException("strided slice: expected begin, end and strides of one length, got "
                    + begin.length + ", " + end.length + ", " + strides.length);
        }
        int b = paramTensor(output, "begin", begin);
        int e = paramTensor(output, "end", end);
        int s = paramTensor(output, "strides", strides);
        StridedSliceOptionsT o = new StridedSliceOptionsT();
        o.setBeginMask(beginMask);
        o.setEndMask(endMask);
        o.setShrinkAxisMask(shrinkAxisMask);
        return op(BuiltinOperator.STRIDED_SLICE, ins(input, b, e, s), outs(output),
                BuiltinOptions.StridedSliceOptions, o);
    }

    /** TRANSPOSE by {@code permutation}. */
    public ModelBuilder transpose(int input, int output, int... permutation) {
        int p = paramTensor(output, "perm", permutation);
        return op(BuiltinOperator.TRANSPOSE, ins(input, p), outs(output), BuiltinOptions.TransposeOptions,
                new TransposeOptionsT());
    }

    // ---------------------------------------------------------------- activations

    /** SOFTMAX over the last dimension. int8 outputs must be quantized (1/256, -128) as TFLite requires. */
    public ModelBuilder softmax(int input, int output, float beta) {
        SoftmaxOptionsT o = new SoftmaxOptionsT();
        o.setBeta(beta);
        return op(BuiltinOperator.SOFTMAX, ins(input), outs(output), BuiltinOptions.SoftmaxOptions, o);
    }

    /** LOGISTIC (sigmoid). int8 outputs must be quantized (1/256, -128). */
    public ModelBuilder logistic(int input, int output) {
        return unary(BuiltinOperator.LOGISTIC, input, output);
    }

    /** TANH. int8 outputs must be quantized (1/128, 0). */
    public ModelBuilder tanh(int input, int output) {
        return unary(BuiltinOperator.TANH, input, output);
    }

    public ModelBuilder hardSwish(int input, int output) {
        return op(BuiltinOperator.HARD_SWISH, ins(input), outs(output), BuiltinOptions.HardSwishOptions,
                new HardSwishOptionsT());
    }

    public ModelBuilder leakyRelu(int input, int output, float alpha) {
        LeakyReluOptionsT o = new LeakyReluOptionsT();
        o.setAlpha(alpha);
        return op(BuiltinOperator.LEAKY_RELU, ins(input), outs(output), BuiltinOptions.LeakyReluOptions, o);
    }

    public ModelBuilder relu(int input, int output) {
        return unary(BuiltinOperator.RELU, input, output);
    }

    public ModelBuilder relu6(int input, int output) {
        return unary(BuiltinOperator.RELU6, input, output);
    }

    // ---------------------------------------------------------------- quantization

    /** QUANTIZE float to int8/uint8 (or requantize between quantized types). */
    public ModelBuilder quantize(int input, int output) {
        return op(BuiltinOperator.QUANTIZE, ins(input), outs(output), BuiltinOptions.QuantizeOptions,
                new QuantizeOptionsT());
    }

    /** DEQUANTIZE int8/uint8 (or float16) to float32. */
    public ModelBuilder dequantize(int input, int output) {
        return op(BuiltinOperator.DEQUANTIZE, ins(input), outs(output), BuiltinOptions.DequantizeOptions,
                new DequantizeOptionsT());
    }

    private ModelBuilder unary(int code, int input, int output) {
        return op(code, ins(input), outs(output), BuiltinOptions.NONE, null);
    }

    // ---------------------------------------------------------------- escape hatches

    /**
     * Any builtin op at version 1. {@code optionsType} is a {@code BuiltinOptions} value and {@code options} the
     * matching object-API instance (e.g. {@code BuiltinOptions.GatherOptions} and a {@code GatherOptionsT}), or
     * {@code BuiltinOptions.NONE} and null.
     */
    public ModelBuilder op(int builtinCode, int[] inputs, int[] outputs, byte optionsType, Object options) {
        return op(builtinCode, 1, inputs, outputs, optionsType, options);
    }

    /** Any builtin op at a given op version. */
    public ModelBuilder op(int builtinCode, int version, int[] inputs, int[] outputs, byte optionsType,
                           Object options) {
        if (builtinCode == BuiltinOperator.CUSTOM) {
            throw new IllegalArgumentException("expected a builtin op code, got CUSTOM: use customOp");
        }
        if ((optionsType == BuiltinOptions.NONE) != (options == null)) {
            throw new IllegalArgumentException(BuiltinOps.name(builtinCode) + ": expected options of type "
                    + optionsType + " with a value, or NONE with null, got " + options);
        }
        OperatorT op = newOperator(opcode(builtinCode, null, version), inputs, outputs);
        if (options != null) {
            BuiltinOptionsUnion u = new BuiltinOptionsUnion();
            u.setType(optionsType);
            u.setValue(options);
            op.setBuiltinOptions(u);
        }
        operators.add(op);
        return this;
    }

    /** A custom op; {@code customOptions} are its opaque bytes (FlexBuffer for most custom ops), or null. */
    public ModelBuilder customOp(String customCode, int version, int[] inputs, int[] outputs, byte[] customOptions) {
        if (customCode == null || customCode.isEmpty()) {
            throw new IllegalArgumentException("expected a custom op name, got '" + customCode + "'");
        }
        OperatorT op = newOperator(opcode(BuiltinOperator.CUSTOM, customCode, version), inputs, outputs);
        if (customOptions != null) {
            int[] opts = new int[customOptions.length];
            for (int i = 0; i < opts.length; i++) {
                opts[i] = Byte.toUnsignedInt(customOptions[i]);
            }
            op.setCustomOptions(opts);
        }
        operators.add(op);
        return this;
    }

    private OperatorT newOperator(int opcodeIndex, int[] in, int[] out) {
        for (int i = 0; i < in.length; i++) {
            if (in[i] != NO_TENSOR) {
                checkTensor(in[i], "op input " + i);
            }
        }
        for (int i = 0; i < out.length; i++) {
            checkTensor(out[i], "op output " + i);
        }
        OperatorT op = new OperatorT();
        op.setOpcodeIndex(opcodeIndex);
        op.setInputs(in.clone());
        op.setOutputs(out.clone());
        return op;
    }

    /** Index of the operator code, shared by every op of the same type and version. */
    private int opcode(int builtinCode, String customCode, int version) {
        String key = builtinCode + "/" + customCode + "/" + version;
        Integer existing = codeIndex.get(key);
        if (existing != null) {
            return existing;
        }
        OperatorCodeT c = new OperatorCodeT();
        // TFLite's converter writes both fields; readers before schema 3a only see the byte, saturated at 127
        // (PLACEHOLDER_FOR_GREATER_OP_CODES).
        c.setDeprecatedBuiltinCode((byte) Math.min(builtinCode, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES));
        c.setBuiltinCode(builtinCode);
        c.setCustomCode(customCode);
        c.setVersion(version);
        codes.add(c);
        codeIndex.put(key, codes.size() - 1);
        return codes.size() - 1;
    }

    private int paramTensor(int output, String what, int[] values) {
        return constInt32(nameOf(output) + "/" + what, new int[] {values.length}, Quantization.NONE, values);
    }

    private String nameOf(int tensor) {
        checkTensor(tensor, "op output");
        return tensors.get(tensor).getName();
    }

    private void checkTensor(int tensor, String what) {
        if (tensor < 0 || tensor >= tensors.size()) {
            throw new IllegalArgumentException(what + ": expected a tensor index in [0, " + tensors.size() + "), got "
                    + tensor);
        }
    }

    /** TFLite's convolutions read a third input whenever there is one, so no bias means two inputs, not -1. */
    private static int[] convInputs(int input, int filter, int bias) {
        return bias == NO_TENSOR ? ins(input, filter) : ins(input, filter, bias);
    }

    private static int[] ins(int... t) {
        return t;
    }

    private static int[] outs(int... t) {
        return t;
    }

    private static ByteBuffer littleEndian(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("expected a constant under 2 GiB, got " + bytes + " bytes");
        }
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    // ---------------------------------------------------------------- output

    /** A fresh schema object tree of the model built so far (edit it freely; the builder keeps its own state). */
    public ModelT toModelT() {
        // Round trip through bytes: the object API has no deep copy, and callers (hostile-file tests) mutate it.
        return ModelT.deserializeFromBinary(build());
    }

    /** The model as {@code .tflite} bytes. */
    public byte[] build() {
        SubGraphT sg = new SubGraphT();
        sg.setName(subgraphName);
        sg.setTensors(tensors.toArray(new TensorT[0]));
        sg.setOperators(operators.toArray(new OperatorT[0]));
        sg.setInputs(inputs.stream().mapToInt(Integer::intValue).toArray());
        sg.setOutputs(outputs.stream().mapToInt(Integer::intValue).toArray());
        ModelT m = new ModelT();
        m.setVersion(3);
        m.setDescription(description);
        m.setOperatorCodes(codes.toArray(new OperatorCodeT[0]));
        m.setBuffers(buffers.toArray(new BufferT[0]));
        m.setSubgraphs(new SubGraphT[] {sg});
        return ModelWriter.write(m);
    }

    /** The model, loaded and validated. */
    public Model buildModel() throws ModelFormatException {
        return Model.load(build());
    }

    // ---------------------------------------------------------------- shape helpers

    /**
     * One spatial output size of a conv or pool, as TFLite computes it: SAME gives ceil(in / stride); VALID gives
     * ceil((in - effectiveFilter + 1) / stride) with effectiveFilter = (filter - 1) x dilation + 1.
     */
    public static int outputSize(Padding padding, int in, int filter, int stride, int dilation) {
        if (stride <= 0 || dilation <= 0 || filter <= 0) {
            throw new IllegalArgumentException("expected positive filter, stride and dilation, got " + filter + ", "
                    + stride + ", " + dilation);
        }
        int effective = (filter - 1) * dilation + 1;
        return switch (padding) {
            case SAME -> (in + stride - 1) / stride;
            case VALID -> Math.max(0, (in - effective + stride) / stride);
        };
    }

    /** Output NHWC shape of CONV_2D for input NHWC and filter OHWI. */
    public static int[] conv2dOutputShape(int[] input, int[] filter, Padding padding, int strideH, int strideW,
                                          int dilationH, int dilationW) {
        requireRank4(input, "input");
        requireRank4(filter, "filter");
        return new int[] {input[0], outputSize(padding, input[1], filter[1], strideH, dilationH),
            outputSize(padding, input[2], filter[2], strideW, dilationW), filter[0]};
    }

    /** Output NHWC shape of DEPTHWISE_CONV_2D for input NHWC and filter [1, H, W, C x multiplier]. */
    public static int[] depthwiseConv2dOutputShape(int[] input, int[] filter, Padding padding, int strideH,
                                                   int strideW, int dilationH, int dilationW) {
        requireRank4(input, "input");
        requireRank4(filter, "filter");
        return new int[] {input[0], outputSize(padding, input[1], filter[1], strideH, dilationH),
            outputSize(padding, input[2], filter[2], strideW, dilationW), filter[3]};
    }

    /** Output NHWC shape of AVERAGE_POOL_2D / MAX_POOL_2D. */
    public static int[] pool2dOutputShape(int[] input, Padding padding, int filterH, int filterW, int strideH,
                                          int strideW) {
        requireRank4(input, "input");
        return new int[] {input[0], outputSize(padding, input[1], filterH, strideH, 1),
            outputSize(padding, input[2], filterW, strideW, 1), input[3]};
    }

    /**
     * The padding TFLite applies before the first row/column for SAME ({@code max(0, ((out - 1) x stride +
     * effectiveFilter - in)) / 2}; the odd pixel goes after), 0 for VALID. Handy for reference implementations.
     */
    public static int paddingBefore(Padding padding, int in, int filter, int stride, int dilation) {
        if (padding == Padding.VALID) {
            return 0;
        }
        int out = outputSize(padding, in, filter, stride, dilation);
        int effective = (filter - 1) * dilation + 1;
        return Math.max(0, (out - 1) * stride + effective - in) / 2;
    }

    private static void requireRank4(int[] shape, String what) {
        if (shape.length != 4) {
            throw new IllegalArgumentException(what + ": expected rank 4, got " + Arrays.toString(shape));
        }
    }
}
