package io.edgert.cuda.plan;

/**
 * The kernels of the fatbin, in the order of {@code ECU_KERNEL_LIST} then {@code ECU_WARP_KERNEL_LIST} in
 * native/src/main/cuda/edgert_cuda_ops.h (the host emulator indexes them by this ordinal; a test checks the order
 * against the header).
 */
public enum CudaKernel {
    CONV2D_SCALAR("ecu_conv2d_scalar"),
    CONV2D_DP4A("ecu_conv2d_dp4a"),
    DWCONV("ecu_dwconv"),
    FC_SCALAR("ecu_fc_scalar"),
    FC_DP4A("ecu_fc_dp4a"),
    ADD("ecu_add"),
    POOL("ecu_pool"),
    MEAN("ecu_mean"),
    SOFTMAX("ecu_softmax"),
    COPY("ecu_copy"),
    /** uint8 CONV_2D / FULLY_CONNECTED on __dp4a (bytes flipped to int8, zero-point terms folded). */
    CONV2D_DP4A_U8("ecu_conv2d_dp4a_u8"),
    FC_DP4A_U8("ecu_fc_dp4a_u8"),
    /** DEPTHWISE_CONV_2D, depth multiplier 1, channels % 4 == 0: four channels per thread as 32-bit words. */
    DWCONV_C4("ecu_dwconv_c4"),
    /** CONV_2D the dp4a / tensor-core kernels do not take, one group, out_c % 4 == 0: four channels per thread. */
    CONV2D_SCALAR_C4("ecu_conv2d_scalar_c4"),
    /** Tensor cores (mma.sync m16n8k32, sm_80+): one warp per 16 x 32 tile; listed in ECU_WARP_KERNEL_LIST. */
    CONV2D_MMA("ecu_conv2d_mma");

    private final String symbol;

    CudaKernel(String symbol) {
        this.symbol = symbol;
    }

    /** The extern "C" name in the fatbin (cuModuleGetFunction). */
    public String symbol() {
        return symbol;
    }
}
