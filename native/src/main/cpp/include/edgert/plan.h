// edgert native execution plan: the C ABI between the Java planner and the C++ kernels.
//
// The Java side (io.edgert.runtime.plan) reads and validates the model, orders the ops, assigns every activation
// tensor an offset in one arena (lifetime-aware), and describes each tensor and op here. Prepare (once) validates
// again in C++, computes requantization multipliers, packs weights and binds a kernel per op. Run (per inference)
// executes the ops over the caller's arena: no allocation, no validation, no logging.
//
// Conventions
// - dtype codes are TFLite's TensorType values: FLOAT32=0, INT32=2, UINT8=3, INT64=4, INT16=7, INT8=9.
// - Shapes are NHWC as in TFLite; rank <= EDGERT_MAX_RANK.
// - Activation codes are TFLite's ActivationFunctionType: NONE=0, RELU=1, RELU_N1_TO_1=2, RELU6=3.
// - Padding codes are TFLite's Padding: SAME=0, VALID=1.
// - Op codes are TFLite BuiltinOperator values (CONV_2D=3, ...).
// - Every function returning int returns 0 (or a non-negative id) on success and -1 on error; the message is in
//   edgert_plan_error(). Errors never abort the process.
#ifndef EDGERT_PLAN_H_
#define EDGERT_PLAN_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define EDGERT_MAX_RANK 6

// Requantization rounding (DESIGN.md, Numerics). Kernels implement the first three; the plan picks one.
#define EDGERT_REQUANT_GEMMLOWP 0  // SaturatingRoundingDoublingHighMul + RoundingDivideByPOT (TFLite builtin kernels)
#define EDGERT_REQUANT_SINGLE 1    // (acc * M0 + 2^(t-1)) >> t in 64 bits (TFLITE_SINGLE_ROUNDING)
#define EDGERT_REQUANT_FP32 2      // float(acc) * scale, round to nearest even, + zero point (XNNPACK)
// SaturatingRoundingDoublingHighMul, then a rounding right shift whose ties go toward +infinity
// ((x + 2^(e-1)) >> e) instead of away from zero: what TFLite 2.20's builtin int8 CONV_2D and FULLY_CONNECTED
// compute on x86-64 (optimized_integer_ops via cpu_backend_gemm; measured, see ref/conv.cc). Differs from
// GEMMLOWP only on negative exact ties of the second rounding. Only the CONV_2D / DEPTHWISE_CONV_2D /
// FULLY_CONNECTED reference kernels implement it (prepare fails for other ops).
#define EDGERT_REQUANT_GEMMLOWP_UP 3

typedef struct edgert_plan edgert_plan;

// Creates an empty plan. requant_mode is EDGERT_REQUANT_GEMMLOWP, _SINGLE or _FP32 (GEMMLOWP_UP is per op only).
edgert_plan* edgert_plan_create(int requant_mode);

// Declares a tensor. Exactly one of arena_offset >= 0 (an activation living in the arena at that byte offset,
// 64-byte aligned) or const_data != NULL (a constant; not copied: it must outlive the plan) is given.
// num_scales == 0 means not quantized; 1 per-tensor; > 1 per-channel along quantized_dim.
// Returns the tensor id (0, 1, 2... in declaration order).
int edgert_plan_add_tensor(edgert_plan* plan, int dtype, int rank, const int32_t* dims, int64_t arena_offset,
                           const void* const_data, int num_scales, const float* scales, const int64_t* zero_points,
                           int quantized_dim);

// Declares an op in execution order. kernel_id selects a variant by id (e.g. "conv2d_qs8_ref"); NULL or "" picks
// the first eligible variant. Inputs may contain -1 for omitted optional inputs (e.g. no bias).
//
// int_params / float_params per op (missing trailing values take TFLite's defaults):
//   CONV_2D              ints: padding, stride_w, stride_h, dilation_w, dilation_h, activation
//   DEPTHWISE_CONV_2D    ints: padding, stride_w, stride_h, dilation_w, dilation_h, activation, depth_multiplier
//   FULLY_CONNECTED      ints: activation, keep_num_dims
//   AVERAGE_POOL_2D,
//   MAX_POOL_2D          ints: padding, stride_w, stride_h, filter_w, filter_h, activation
//   ADD, SUB, MUL        ints: activation
//   CONCATENATION        ints: axis, activation
//   MEAN                 ints: keep_dims            (axes: constant int32 input 1)
//   SOFTMAX              floats: beta
//   LEAKY_RELU           floats: alpha
//   STRIDED_SLICE        ints: begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask, offset
//                        (begin/end/strides: constant int32 inputs 1..3)
//   PAD, PADV2           (paddings: constant int32/int64 input 1; PADV2 pad value: constant input 2)
//   TRANSPOSE            (perm: constant int32 input 1)
//   RESHAPE, SQUEEZE, QUANTIZE, DEQUANTIZE, LOGISTIC, TANH, HARD_SWISH, RELU, RELU6: none
// Returns the op id.
int edgert_plan_add_op(edgert_plan* plan, int builtin_code, const char* kernel_id, int n_inputs,
                       const int32_t* inputs, int n_outputs, const int32_t* outputs, int n_int_params,
                       const int32_t* int_params, int n_float_params, const float* float_params);

// Overrides the plan's requant mode (EDGERT_REQUANT_*) for one declared op; -1 restores the plan's mode. TFLite
// itself mixes roundings per op: without XNNPACK, on x86-64, its int8 CONV_2D / FULLY_CONNECTED round the second
// step ties-upward (EDGERT_REQUANT_GEMMLOWP_UP) while DEPTHWISE_CONV_2D, ADD, MEAN, uint8 CONV_2D... use the
// gemmlowp double rounding. Takes effect at prepare.
int edgert_plan_set_op_requant(edgert_plan* plan, int op, int requant_mode);

// Validates every op against its tensors, computes multipliers and lookup tables, packs weights, binds kernels.
int edgert_plan_prepare(edgert_plan* plan);

// Threads one inference may use (1..64; default 1). Starts threads - 1 persistent workers (replacing any earlier
// ones), which every later edgert_plan_run reuses; kernels split large ops across them (small ops stay on the
// calling thread). Outputs are bit-identical for any thread count. May be called before or after prepare, not
// during a run.
int edgert_plan_set_threads(edgert_plan* plan, int threads);

// The thread count set (1 by default), or 0 when plan is NULL.
int edgert_plan_threads(const edgert_plan* plan);

// Runs all ops over arena (at least the size the Java planner computed, 64-byte aligned). op_times_ns, when not
// NULL, receives the wall time of each op (n_ops entries). Not concurrently on one plan: some kernels use scratch
// the plan owns (im2col rows, sized at prepare).
int edgert_plan_run(edgert_plan* plan, void* arena, int64_t* op_times_ns);

// Number of ops declared.
int edgert_plan_op_count(const edgert_plan* plan);

// The kernel id bound to op (after prepare), or NULL.
const char* edgert_plan_op_kernel(const edgert_plan* plan, int op);

// Bytes of packed weights and tables the plan owns.
int64_t edgert_plan_packed_bytes(const edgert_plan* plan);

// Last error message ("" when none). Valid until the next call on the plan.
const char* edgert_plan_error(const edgert_plan* plan);

void edgert_plan_destroy(edgert_plan* plan);

// ---- kernel registry (for profiles, `inspect --plan`, tuning) ----

// Number of kernel variants compiled into this library.
int edgert_kernel_count(void);
// Id of variant i, following <op>_<dtype>_<algorithm>[_<tile>]_<isa> (DESIGN.md), e.g. "conv2d_qs8_ref".
const char* edgert_kernel_id(int i);
// BuiltinOperator code variant i implements.
int edgert_kernel_builtin(int i);
// Requant modes variant i implements: bit (1 << EDGERT_REQUANT_*) per mode.
int edgert_kernel_requant_modes(int i);
// 1 when this CPU can run variant i (ref variants: always).
int edgert_kernel_cpu_supported(int i);
// 1 when variant i may be bound here: supported by this CPU and allowed by EDGERT_ISA (ref variants: always).
int edgert_kernel_enabled(int i);

// Whether the variant named kernel_id could run an op with this builtin code, input/output dtype (TFLite codes of
// inputs[0] and outputs[0]) and requant mode (EDGERT_REQUANT_*, after the per-op override), as prepare would decide:
// EDGERT_KERNEL_OK, or why not. Device profiles and `edgert tune` ask this before choosing a variant per op.
#define EDGERT_KERNEL_OK 0
#define EDGERT_KERNEL_NOT_COMPILED 1   // no variant with this id in this library
#define EDGERT_KERNEL_WRONG_OP 2       // implements another op or other dtypes
#define EDGERT_KERNEL_CPU_UNSUPPORTED 3  // this CPU lacks its ISA, or EDGERT_ISA excludes it
#define EDGERT_KERNEL_NO_REQUANT_MODE 4  // does not implement requant_mode
int edgert_kernel_check(const char* kernel_id, int builtin_code, int in_dtype, int out_dtype, int requant_mode);

// ---- CPU features (x86: CPUID; arm64: getauxval(AT_HWCAP)); bits below ----
#define EDGERT_CPU_SSE41 (1ull << 0)
#define EDGERT_CPU_AVX2 (1ull << 1)
#define EDGERT_CPU_FMA (1ull << 2)
#define EDGERT_CPU_AVX512F (1ull << 3)
#define EDGERT_CPU_AVX512BW (1ull << 4)
#define EDGERT_CPU_AVX512VL (1ull << 5)
#define EDGERT_CPU_AVX512VNNI (1ull << 6)
#define EDGERT_CPU_AVXVNNI (1ull << 7)
#define EDGERT_CPU_AMX_INT8 (1ull << 8)
#define EDGERT_CPU_ASIMD (1ull << 16)
#define EDGERT_CPU_DOTPROD (1ull << 17)
#define EDGERT_CPU_I8MM (1ull << 18)
#define EDGERT_CPU_SVE (1ull << 19)
uint64_t edgert_cpu_features(void);

// The int8 peak of the calling thread's core in GOPS (2 operations per multiply-add), measured now for about
// millis milliseconds (at least 1) with the instruction the GEMM kernels are built on: vpdpbusd on AVX-512 VNNI.
// 0 where this build has no probe for the CPU (x86 without AVX-512 VNNI, arm64 for now). What `edgert bench
// --profile` relates each op's GOPS to; on a shared machine measure it next to the ops it is compared with.
double edgert_cpu_int8_peak_gops(int millis);

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // EDGERT_PLAN_H_
