package io.edgert.runtime.plan;

import io.edgert.runtime.model.OpAttributes;
import io.edgert.runtime.model.OpInfo;
import org.tensorflow.lite.schema.ActivationFunctionType;
import org.tensorflow.lite.schema.BuiltinOperator;
import org.tensorflow.lite.schema.Padding;

/**
 * Encodes an operator's attributes as the int/float parameter arrays of {@code edgert_plan_add_op}; the layout per
 * op is documented in {@code native/src/main/cpp/include/edgert/plan.h}.
 */
public final class NativeOpParams {
    private static final int[] NO_INTS = new int[0];
    private static final float[] NO_FLOATS = new float[0];

    private NativeOpParams() {
    }

    public record Encoded(int[] ints, float[] floats) {
    }

    public static Encoded encode(OpInfo op) {
        OpAttributes a = op.attributes();
        return switch (op.builtinCode()) {
            case BuiltinOperator.CONV_2D -> ints(padding(a), a.getInt("stride_w", 1), a.getInt("stride_h", 1),
                    a.getInt("dilation_w_factor", 1), a.getInt("dilation_h_factor", 1), activation(a));
            case BuiltinOperator.DEPTHWISE_CONV_2D -> ints(padding(a), a.getInt("stride_w", 1), a.getInt("stride_h", 1),
                    a.getInt("dilation_w_factor", 1), a.getInt("dilation_h_factor", 1), activation(a),
                    a.getInt("depth_multiplier", 1));
            case BuiltinOperator.FULLY_CONNECTED -> ints(activation(a), a.getBoolean("keep_num_dims", false) ? 1 : 0);
            case BuiltinOperator.AVERAGE_POOL_2D, BuiltinOperator.MAX_POOL_2D -> ints(padding(a),
                    a.getInt("stride_w", 1), a.getInt("stride_h", 1), a.getInt("filter_width", 1),
                    a.getInt("filter_height", 1), activation(a));
            case BuiltinOperator.ADD, BuiltinOperator.SUB, BuiltinOperator.MUL -> ints(activation(a));
            case BuiltinOperator.CONCATENATION -> ints(a.getInt("axis", 0), activation(a));
            case BuiltinOperator.MEAN -> ints(a.getBoolean("keep_dims", false) ? 1 : 0);
            case BuiltinOperator.SOFTMAX -> new Encoded(NO_INTS, new float[] {a.getFloat("beta", 1f)});
            case BuiltinOperator.LEAKY_RELU -> new Encoded(NO_INTS, new float[] {a.getFloat("alpha", 0.2f)});
            case BuiltinOperator.STRIDED_SLICE -> ints(a.getInt("begin_mask", 0), a.getInt("end_mask", 0),
                    a.getInt("ellipsis_mask", 0), a.getInt("new_axis_mask", 0), a.getInt("shrink_axis_mask", 0),
                    a.getBoolean("offset", false) ? 1 : 0);
            default -> new Encoded(NO_INTS, NO_FLOATS);
        };
    }

    private static Encoded ints(int... values) {
        return new Encoded(values, NO_FLOATS);
    }

    static int padding(OpAttributes a) {
        return "VALID".equals(a.getString("padding", "SAME")) ? Padding.VALID : Padding.SAME;
    }

    static int activation(OpAttributes a) {
        return switch (a.getString("fused_activation_function", "NONE")) {
            case "RELU" -> ActivationFunctionType.RELU;
            case "RELU_N1_TO_1" -> ActivationFunctionType.RELU_N1_TO_1;
            case "RELU6" -> ActivationFunctionType.RELU6;
            case "TANH" -> ActivationFunctionType.TANH;
            case "SIGN_BIT" -> ActivationFunctionType.SIGN_BIT;
            default -> ActivationFunctionType.NONE;
        };
    }
}
