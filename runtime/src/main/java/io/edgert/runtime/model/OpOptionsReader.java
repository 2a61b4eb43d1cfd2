package io.edgert.runtime.model;

import io.edgert.runtime.ModelFormatException;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.AddOptions;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.BuiltinOptions;
import org.tensorflow.lite.schema.CallOnceOptions;
import org.tensorflow.lite.schema.ConcatenationOptions;
import org.tensorflow.lite.schema.Conv2DOptions;
import org.tensorflow.lite.schema.DepthwiseConv2DOptions;
import org.tensorflow.lite.schema.FullyConnectedOptions;
import org.tensorflow.lite.schema.IfOptions;
import org.tensorflow.lite.schema.LeakyReluOptions;
import org.tensorflow.lite.schema.MulOptions;
import org.tensorflow.lite.schema.Operator;
import org.tensorflow.lite.schema.Padding;
import org.tensorflow.lite.schema.Pool2DOptions;
import org.tensorflow.lite.schema.ReducerOptions;
import org.tensorflow.lite.schema.ReshapeOptions;
import org.tensorflow.lite.schema.SoftmaxOptions;
import org.tensorflow.lite.schema.SqueezeOptions;
import org.tensorflow.lite.schema.StridedSliceOptions;
import org.tensorflow.lite.schema.SubOptions;
import org.tensorflow.lite.schema.WhileOptions;

/**
 * Turns the builtin options table of an operator into {@link OpAttributes}, for the operators edgert's planner,
 * {@code inspect} and the quantizer read. Keys are the schema's snake_case field names. An options table of the
 * wrong type for its operator is a format error: TFLite would silently fall back to zeroed parameters.
 */
final class OpOptionsReader {
    private OpOptionsReader() {
    }

    static OpAttributes read(String label, int code, Operator op) throws ModelFormatException {
        OpAttributes.Builder b = new OpAttributes.Builder();
        switch (code) {
            case BuiltinOperator.CONV_2D -> {
                Conv2DOptions o = (Conv2DOptions) options(label, op, BuiltinOptions.Conv2DOptions, new Conv2DOptions());
                if (o == null) {
                    break;
                }
                b.put("padding", padding(label, o.padding())).put("stride_w", o.strideW()).put("stride_h", o.strideH())
                        .put("dilation_w_factor", o.dilationWFactor()).put("dilation_h_factor", o.dilationHFactor())
                        .put("fused_activation_function", activation(label, o.fusedActivationFunction()));
            }
            case BuiltinOperator.DEPTHWISE_CONV_2D -> {
                DepthwiseConv2DOptions o = (DepthwiseConv2DOptions) options(label, op,
                        BuiltinOptions.DepthwiseConv2DOptions, new DepthwiseConv2DOptions());
                if (o == null) {
                    break;
                }
                b.put("padding", padding(label, o.padding())).put("stride_w", o.strideW()).put("stride_h", o.strideH())
                        .put("depth_multiplier", o.depthMultiplier())
                        .put("dilation_w_factor", o.dilationWFactor()).put("dilation_h_factor", o.dilationHFactor())
                        .put("fused_activation_function", activation(label, o.fusedActivationFunction()));
            }
            case BuiltinOperator.FULLY_CONNECTED -> {
                FullyConnectedOptions o = (FullyConnectedOptions) options(label, op,
                        BuiltinOptions.FullyConnectedOptions, new FullyConnectedOptions());
                if (o == null) {
                    break;
                }
                b.put("fused_activation_function", activation(label, o.fusedActivationFunction()))
                        .put("weights_format", (int) o.weightsFormat()).put("keep_num_dims", o.keepNumDims())
                        .put("asymmetric_quantize_inputs", o.asymmetricQuantizeInputs());
            }
            case BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.MAX_POOL_2D, BuiltinOperator.L2_POOL_2D -> {
                Pool2DOptions o = (Pool2DOptions) options(label, op, BuiltinOptions.Pool2DOptions, new Pool2DOptions());
                if (o == null) {
                    break;
                }
                b.put("padding", padding(label, o.padding())).put("stride_w", o.strideW()).put("stride_h", o.strideH())
                        .put("filter_width", o.filterWidth()).put("filter_height", o.filterHeight())
                        .put("fused_activation_function", activation(label, o.fusedActivationFunction()));
            }
            case BuiltinOperator.ADD -> {
                AddOptions o = (AddOptions) options(label, op, BuiltinOptions.AddOptions, new AddOptions());
                if (o != null) {
                    b.put("fused_activation_function", activation(label, o.fusedActivationFunction()));
                }
            }
            case BuiltinOperator.SUB -> {
                SubOptions o = (SubOptions) options(label, op, BuiltinOptions.SubOptions, new SubOptions());
                if (o != null) {
                    b.put("fused_activation_function", activation(label, o.fusedActivationFunction()));
                }
            }
            case BuiltinOperator.MUL -> {
                MulOptions o = (MulOptions) options(label, op, BuiltinOptions.MulOptions, new MulOptions());
                if (o != null) {
                    b.put("fused_activation_function", activation(label, o.fusedActivationFunction()));
                }
            }
            case BuiltinOperator.CONCATENATION -> {
                ConcatenationOptions o = (ConcatenationOptions) options(label, op, BuiltinOptions.ConcatenationOptions,
                        new ConcatenationOptions());
                if (o != null) {
                    b.put("axis", o.axis()).put("fused_activation_function", activation(label, o.fusedActivationFunction()));
                }
            }
            case BuiltinOperator.SOFTMAX -> {
                SoftmaxOptions o = (SoftmaxOptions) options(label, op, BuiltinOptions.SoftmaxOptions, new SoftmaxOptions());
                if (o != null) {
                    b.put("beta", o.beta());
                }
            }
            case BuiltinOperator.RESHAPE -> {
                ReshapeOptions o = (ReshapeOptions) options(label, op, BuiltinOptions.ReshapeOptions, new ReshapeOptions());
                if (o != null && o.newShapeLength() > 0) {
                    if (o.newShapeLength() > 64) {
                        throw new ModelFormatException(label + ": new_shape has rank " + o.newShapeLength());
                    }
                    int[] s = new int[o.newShapeLength()];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = o.newShape(i);
                    }
                    b.put("new_shape", s);
                }
            }
            case BuiltinOperator.SQUEEZE -> {
                SqueezeOptions o = (SqueezeOptions) options(label, op, BuiltinOptions.SqueezeOptions, new SqueezeOptions());
                if (o != null && o.squeezeDimsLength() > 0) {
                    if (o.squeezeDimsLength() > 64) {
                        throw new ModelFormatException(label + ": squeeze_dims has " + o.squeezeDimsLength() + " entries");
                    }
                    int[] s = new int[o.squeezeDimsLength()];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = o.squeezeDims(i);
                    }
                    b.put("squeeze_dims", s);
                }
            }
            case BuiltinOperator.MEAN, BuiltinOperator.SUM, BuiltinOperator.REDUCE_MAX, BuiltinOperator.REDUCE_MIN,
                 BuiltinOperator.REDUCE_PROD -> {
                ReducerOptions o = (ReducerOptions) options(label, op, BuiltinOptions.ReducerOptions, new ReducerOptions());
                if (o != null) {
                    b.put("keep_dims", o.keepDims());
                }
            }
            case BuiltinOperator.STRIDED_SLICE -> {
                StridedSliceOptions o = (StridedSliceOptions) options(label, op, BuiltinOptions.StridedSliceOptions,
                        new StridedSliceOptions());
                if (o != null) {
                    b.put("begin_mask", o.beginMask()).put("end_mask", o.endMask()).put("ellipsis_mask", o.ellipsisMask())
                            .put("new_axis_mask", o.newAxisMask()).put("shrink_axis_mask", o.shrinkAxisMask())
                            .put("offset", o.offset());
                }
            }
            case BuiltinOperator.IF -> {
                IfOptions o = (IfOptions) options(label, op, BuiltinOptions.IfOptions, new IfOptions());
                if (o != null) {
                    b.put("then_subgraph_index", o.thenSubgraphIndex()).put("else_subgraph_index", o.elseSubgraphIndex());
                }
            }
            case BuiltinOperator.WHILE -> {
                WhileOptions o = (WhileOptions) options(label, op, BuiltinOptions.WhileOptions, new WhileOptions());
                if (o != null) {
                    b.put("cond_subgraph_index", o.condSubgraphIndex()).put("body_subgraph_index", o.bodySubgraphIndex());
                }
            }
            case BuiltinOperator.CALL_ONCE -> {
                CallOnceOptions o = (CallOnceOptions) options(label, op, BuiltinOptions.CallOnceOptions,
                        new CallOnceOptions());
                if (o != null) {
                    b.put("init_subgraph_index", o.initSubgraphIndex());
                }
            }
            case BuiltinOperator.LEAKY_RELU -> {
                LeakyReluOptions o = (LeakyReluOptions) options(label, op, BuiltinOptions.LeakyReluOptions,
                        new LeakyReluOptions());
                if (o != null) {
                    b.put("alpha", o.alpha());
                }
            }
            default -> {
                // Other operators keep their options in the file; edgert's kernels do not read them.
            }
        }
        return b.build();
    }

    /** The options table, null when absent, or an error when it has another operator's type. */
    private static com.google.flatbuffers.Table options(String label, Operator op, byte expected,
                                                         com.google.flatbuffers.Table table) throws ModelFormatException {
        byte type = op.builtinOptionsType();
        if (type == BuiltinOptions.NONE) {
            return null;
        }
        if (type != expected) {
            throw new ModelFormatException(label + ": builtin options are " + optionsName(type) + ", expected "
                    + optionsName(expected));
        }
        return op.builtinOptions(table);
    }

    private static String optionsName(byte type) {
        int t = Byte.toUnsignedInt(type);
        return t < BuiltinOptions.names.length ? BuiltinOptions.names[t] : "options type " + t;
    }

    static String padding(String label, byte p) throws ModelFormatException {
        return switch (p) {
            case Padding.SAME -> "SAME";
            case Padding.VALID -> "VALID";
            default -> throw new ModelFormatException(label + ": unknown padding " + p);
        };
    }

    static String activation(String label, byte a) throws ModelFormatException {
        return switch (a) {
            case ActivationFunctionType.NONE -> "NONE";
            case ActivationFunctionType.RELU -> "RELU";
            case ActivationFunctionType.RELU_N1_TO_1 -> "RELU_N1_TO_1";
            case ActivationFunctionType.RELU6 -> "RELU6";
            case ActivationFunctionType.TANH -> "TANH";
            case ActivationFunctionType.SIGN_BIT -> "SIGN_BIT";
            default -> throw new ModelFormatException(label + ": unknown fused activation " + a);
        };
    }
}
