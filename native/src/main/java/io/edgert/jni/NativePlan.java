package io.edgert.jni;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Properties;

/**
 * JavaCPP binding of {@code edgert/plan.h}, the C ABI of edgert's native execution plan. Internal: the runtime's
 * planner is the only caller and validates everything before calling in.
 */
@Properties(inherit = EdgertNativeConfig.class)
public final class NativePlan {
    public static final int REQUANT_GEMMLOWP = 0;
    public static final int REQUANT_SINGLE = 1;
    public static final int REQUANT_FP32 = 2;
    /** Per-op only (int8 CONV_2D / FULLY_CONNECTED): gemmlowp's high multiply, then a shift with ties toward +inf. */
    public static final int REQUANT_GEMMLOWP_UP = 3;

    public static final long CPU_SSE41 = 1L << 0;
    public static final long CPU_AVX2 = 1L << 1;
    public static final long CPU_FMA = 1L << 2;
    public static final long CPU_AVX512F = 1L << 3;
    public static final long CPU_AVX512BW = 1L << 4;
    public static final long CPU_AVX512VL = 1L << 5;
    public static final long CPU_AVX512VNNI = 1L << 6;
    public static final long CPU_AVXVNNI = 1L << 7;
    public static final long CPU_AMX_INT8 = 1L << 8;
    public static final long CPU_ASIMD = 1L << 16;
    public static final long CPU_DOTPROD = 1L << 17;
    public static final long CPU_I8MM = 1L << 18;
    public static final long CPU_SVE = 1L << 19;

    static {
        Loader.load();
    }

    private NativePlan() {
    }

    /** Opaque {@code edgert_plan*}. */
    @Opaque
    @Name("edgert_plan")
    public static final class Handle extends Pointer {
        static {
            Loader.load();
        }

        public Handle() {
            super((Pointer) null);
        }

        public Handle(Pointer p) {
            super(p);
        }
    }

    public static native @Cast("edgert_plan*") Handle edgert_plan_create(int requantMode);

    public static native int edgert_plan_add_tensor(@Cast("edgert_plan*") Handle plan, int dtype, int rank,
                                                    @Cast("const int32_t*") IntPointer dims, long arenaOffset,
                                                    @Const Pointer constData, int numScales,
                                                    @Const FloatPointer scales,
                                                    @Cast("const int64_t*") LongPointer zeroPoints,
                                                    int quantizedDim);

    public static native int edgert_plan_add_op(@Cast("edgert_plan*") Handle plan, int builtinCode,
                                                String kernelId, int nInputs, @Cast("const int32_t*") IntPointer inputs,
                                                int nOutputs, @Cast("const int32_t*") IntPointer outputs,
                                                int nIntParams, @Cast("const int32_t*") IntPointer intParams,
                                                int nFloatParams, @Const FloatPointer floatParams);

    public static native int edgert_plan_set_op_requant(@Cast("edgert_plan*") Handle plan, int op, int requantMode);

    public static native int edgert_plan_prepare(@Cast("edgert_plan*") Handle plan);

    /** Threads per inference, 1..{@link #MAX_THREADS}: persistent workers, started here, reused by every run. */
    public static native int edgert_plan_set_threads(@Cast("edgert_plan*") Handle plan, int threads);

    public static native int edgert_plan_threads(@Cast("const edgert_plan*") Handle plan);

    /** The most threads {@link #edgert_plan_set_threads} accepts. */
    public static final int MAX_THREADS = 64;

    public static native int edgert_plan_run(@Cast("edgert_plan*") Handle plan, Pointer arena,
                                             @Cast("int64_t*") LongPointer opTimesNs);

    public static native int edgert_plan_op_count(@Cast("const edgert_plan*") Handle plan);

    public static native @Cast("const char*") BytePointer edgert_plan_op_kernel(@Cast("const edgert_plan*") Handle plan,
                                                                               int op);

    public static native long edgert_plan_packed_bytes(@Cast("const edgert_plan*") Handle plan);

    public static native @Cast("const char*") BytePointer edgert_plan_error(@Cast("const edgert_plan*") Handle plan);

    public static native void edgert_plan_destroy(@Cast("edgert_plan*") Handle plan);

    public static native int edgert_kernel_count();

    public static native @Cast("const char*") BytePointer edgert_kernel_id(int i);

    public static native int edgert_kernel_builtin(int i);

    public static native int edgert_kernel_cpu_supported(int i);

    /** EDGERT_KERNEL_* results of {@link #edgert_kernel_check}. */
    public static final int KERNEL_OK = 0, KERNEL_NOT_COMPILED = 1, KERNEL_WRONG_OP = 2, KERNEL_CPU_UNSUPPORTED = 3,
            KERNEL_NO_REQUANT_MODE = 4;

    public static native int edgert_kernel_check(String kernelId, int builtinCode, int inDtype, int outDtype,
                                                 int requantMode);

    public static native @Cast("uint64_t") long edgert_cpu_features();

    public static native double edgert_cpu_int8_peak_gops(int millis);
}
