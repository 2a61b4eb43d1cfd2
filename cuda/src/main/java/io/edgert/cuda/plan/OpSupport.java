package io.edgert.cuda.plan;

import io.edgert.runtime.DataType;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;

/**
 * Which CUDA kernel runs an op, or why none can: the op type and dtypes the kernels implement, constant weights, and
 * the conditions of the {@code __dp4a} variants (int8, one group, channel count a multiple of 4, filter zero point 0).
 * Shapes and parameters are validated by the native plan's prepare before a CUDA session is built.
 */
public final class OpSupport {
    private OpSupport() {
    }

    /** A kernel for the op, or null and why not. */
    public record Choice(CudaKernel kernel, String reason) {
    }

    /**
     * @param tensorCores whether the device has int8 mma.sync (sm_80+): int8 convs that qualify for __dp4a run on
     *                    tensor cores instead, unless {@code -Dedgert.cuda.mma=false}
     */
    public static Choice choose(OpInfo op, Graph graph, int[][] shapes, boolean tensorCores) {
        Choice c = chooseKernel(op, graph, shapes, tensorCores);
        if (c.kernel() != null && disabled().contains(c.kernel().symbol())) {
            return none(c.kernel().symbol() + " disabled by -D" + DISABLE_PROPERTY);
        }
        return c;
    }

    /**
     * Kernels switched off by {@code -Dedgert.cuda.disable=ecu_dwconv,ecu_conv2d_mma}: their ops run on the CPU. For
     * narrowing down a GPU parity failure to one kernel (GpuCheck does it by itself).
     */
    public static final String DISABLE_PROPERTY = "edgert.cuda.disable";

    static java.util.Set<String> disabled() {
        String v = System.getProperty(DISABLE_PROPERTY, "");
        return v.isBlank() ? java.util.Set.of() : java.util.Set.of(v.trim().split("\\s*,\\s*"));
    }

    private static Choice chooseKernel(OpInfo op, Graph graph, int[][] shapes, boolean tensorCores) {
        if (op.isCustom()) {
            return none("custom op " + op.customCode());
        }
        if (op.inputCount() == 0 || op.outputCount() != 1 || op.input(0) < 0) {
            return none("unexpected inputs/outputs");
        }
        TensorInfo in = graph.tensor(op.input(0));
        TensorInfo out = graph.tensor(op.output(0));
        boolean q8 = isQ8(in) && isQ8(out) && in.dataType() == out.dataType();
        String type = op.type();
        switch (type) {
            case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED" -> {
                if (!q8) {
                    return none(type + " on " + in.dataType().label() + " -> " + out.dataType().label()
                            + " (kernels: int8, uint8)");
                }
                TensorInfo w = graph.tensor(op.input(1));
                if (!w.isConstant() || w.dataType() != in.dataType()) {
                    return none(type + " with non-constant or mixed-type weights");
                }
                if (op.inputCount() > 2 && op.input(2) >= 0 && !graph.tensor(op.input(2)).isConstant()) {
                    return none(type + " with a non-constant bias");
                }
                boolean int8 = in.dataType() == DataType.INT8 && w.quantization().zeroPoint(0) == 0;
                if (type.equals("CONV_2D")) {
                    int inC = shapes[in.index()][3];
                    boolean oneGroup = w.dim(3) == inC;
                    boolean uint8 = in.dataType() == DataType.UINT8;
                    if (uint8 && oneGroup && inC % 4 == 0) {
                        return new Choice(CudaKernel.CONV2D_DP4A_U8, null);
                    }
                    if (!(int8 && oneGroup && inC % 4 == 0)) {
                        return new Choice(oneGroup && w.dim(0) % 4 == 0 ? CudaKernel.CONV2D_SCALAR_C4
                                : CudaKernel.CONV2D_SCALAR, null);
                    }
                    boolean mma = tensorCores && !"false".equals(System.getProperty("edgert.cuda.mma"));
                    return new Choice(mma ? CudaKernel.CONV2D_MMA : CudaKernel.CONV2D_DP4A, null);
                }
                if (type.equals("DEPTHWISE_CONV_2D")) {
                    int inC = shapes[in.index()][3];
                    return new Choice(inC % 4 == 0 && w.dim(3) == inC ? CudaKernel.DWCONV_C4 : CudaKernel.DWCONV,
                            null);
                }
                int depth = w.dim(1);
                if (depth % 4 == 0 && in.dataType() == DataType.UINT8) {
                    return new Choice(CudaKernel.FC_DP4A_U8, null);
                }
                return new Choice(int8 && depth % 4 == 0 ? CudaKernel.FC_DP4A : CudaKernel.FC_SCALAR, null);
            }
            case "ADD", "SUB" -> {
                boolean ok = q8 && op.inputCount() == 2 && isQ8(graph.tensor(op.input(1)))
                        && graph.tensor(op.input(1)).dataType() == in.dataType();
                return ok ? new Choice(CudaKernel.ADD, null) : none(type + " needs int8/uint8 inputs");
            }
            case "AVERAGE_POOL_2D", "MAX_POOL_2D" -> {
                return q8 ? new Choice(CudaKernel.POOL, null) : none(type + " needs int8/uint8 tensors");
            }
            case "MEAN" -> {
                boolean ok = q8 && op.inputCount() == 2 && graph.tensor(op.input(1)).isConstant();
                return ok ? new Choice(CudaKernel.MEAN, null) : none("MEAN needs int8/uint8 tensors, constant axes");
            }
            case "SOFTMAX" -> {
                return q8 ? new Choice(CudaKernel.SOFTMAX, null) : none("SOFTMAX needs int8/uint8 tensors");
            }
            case "RESHAPE", "SQUEEZE" -> {
                return in.dataType() == out.dataType() ? new Choice(CudaKernel.COPY, null)
                        : none(type + " changing dtype");
            }
            default -> {
                return none("no CUDA kernel for " + type);
            }
        }
    }

    private static Choice none(String why) {
        return new Choice(null, why);
    }

    static boolean isQ8(TensorInfo t) {
        return (t.dataType() == DataType.INT8 || t.dataType() == DataType.UINT8) && t.quantization().isQuantized();
    }
}
