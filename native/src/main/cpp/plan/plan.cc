// The C ABI of edgert/plan.h: plan creation, tensor and op declaration, prepare (validate + bind kernels) and run.
#include "edgert/plan.h"

#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "config/kernel_config.h"
#include "plan/parallel.h"
#include "plan/plan.h"

struct edgert_plan {
  int requant_mode = EDGERT_REQUANT_GEMMLOWP;
  std::string create_error;  // sticky: a bad requant mode fails every prepare
  std::vector<edgert::Tensor> tensors;
  std::vector<edgert::Op> ops;
  std::string error;
  bool prepared = false;
  bool uses_arena = false;
  int64_t packed_bytes = 0;
  int threads = 1;
  std::unique_ptr<edgert::ThreadPool> pool;  // threads > 1
};

namespace {

int Fail(edgert_plan* plan, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
int Fail(edgert_plan* plan, const char* fmt, ...) {
  char buf[768];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  plan->error = buf;
  return -1;
}

const char* BuiltinName(int code) {
  switch (code) {
    case edgert::kAdd: return "ADD";
    case edgert::kAveragePool2d: return "AVERAGE_POOL_2D";
    case edgert::kConcatenation: return "CONCATENATION";
    case edgert::kConv2d: return "CONV_2D";
    case edgert::kDepthwiseConv2d: return "DEPTHWISE_CONV_2D";
    case edgert::kDequantize: return "DEQUANTIZE";
    case edgert::kFullyConnected: return "FULLY_CONNECTED";
    case edgert::kLogistic: return "LOGISTIC";
    case edgert::kMaxPool2d: return "MAX_POOL_2D";
    case edgert::kMul: return "MUL";
    case edgert::kRelu: return "RELU";
    case edgert::kReluN1To1: return "RELU_N1_TO_1";
    case edgert::kRelu6: return "RELU6";
    case edgert::kReshape: return "RESHAPE";
    case edgert::kSoftmax: return "SOFTMAX";
    case edgert::kTanh: return "TANH";
    case edgert::kPad: return "PAD";
    case edgert::kTranspose: return "TRANSPOSE";
    case edgert::kMean: return "MEAN";
    case edgert::kSub: return "SUB";
    case edgert::kSqueeze: return "SQUEEZE";
    case edgert::kStridedSlice: return "STRIDED_SLICE";
    case edgert::kPadV2: return "PADV2";
    case edgert::kLeakyRelu: return "LEAKY_RELU";
    case edgert::kQuantize: return "QUANTIZE";
    case edgert::kHardSwish: return "HARD_SWISH";
    default: return "UNKNOWN";
  }
}

// Points every op at the plan's pool and sizes the workers' scratch like each op's own (worker 0's).
void BindPool(edgert_plan* plan) {
  size_t scratch = 0;
  for (edgert::Op& op : plan->ops) {
    op.params.pool = plan->pool.get();
    scratch = std::max(scratch, op.params.gemm.scratch.size());
  }
  if (plan->pool != nullptr) plan->pool->ReserveScratch(scratch);
}

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

}  // namespace

extern "C" {

edgert_plan* edgert_plan_create(int requant_mode) {
  edgert_plan* plan = new (std::nothrow) edgert_plan();
  if (plan == nullptr) return nullptr;
  if (requant_mode < EDGERT_REQUANT_GEMMLOWP || requant_mode > EDGERT_REQUANT_FP32) {
    plan->create_error = "requant_mode must be 0 (gemmlowp), 1 (single) or 2 (fp32), got " + std::to_string(requant_mode);
    plan->error = plan->create_error;
  } else {
    plan->requant_mode = requant_mode;
  }
  return plan;
}

int edgert_plan_add_tensor(edgert_plan* plan, int dtype, int rank, const int32_t* dims, int64_t arena_offset,
                           const void* const_data, int num_scales, const float* scales, const int64_t* zero_points,
                           int quantized_dim) {
  if (plan == nullptr) return -1;
  plan->error.clear();
  const int id = static_cast<int>(plan->tensors.size());
  if (edgert::DtypeSize(dtype) == 0) return Fail(plan, "tensor %d: unsupported dtype %d", id, dtype);
  if (rank < 0 || rank > EDGERT_MAX_RANK) return Fail(plan, "tensor %d: rank %d outside [0, %d]", id, rank, EDGERT_MAX_RANK);
  if (rank > 0 && dims == nullptr) return Fail(plan, "tensor %d: dims is NULL", id);
  if ((arena_offset >= 0) == (const_data != nullptr)) {
    return Fail(plan, "tensor %d: expected exactly one of arena_offset >= 0 or const_data, got offset %lld and %s", id,
                (long long)arena_offset, const_data != nullptr ? "data" : "no data");
  }
  if (num_scales < 0 || (num_scales > 0 && scales == nullptr)) return Fail(plan, "tensor %d: bad quantization scales", id);
  edgert::Tensor t;
  t.dtype = dtype;
  t.rank = rank;
  int64_t count = 1;
  for (int i = 0; i < rank; ++i) {
    if (dims[i] < 0) return Fail(plan, "tensor %d: negative dimension %d", id, dims[i]);
    t.dims[i] = dims[i];
    count *= dims[i];
    if (count > (int64_t{1} << 40)) return Fail(plan, "tensor %d: too many elements", id);
  }
  t.offset = arena_offset;
  t.data = const_data;
  if (num_scales > 1) {
    if (quantized_dim < 0 || quantized_dim >= rank || t.dims[quantized_dim] != num_scales) {
      return Fail(plan, "tensor %d: %d scales do not match dimension %d", id, num_scales, quantized_dim);
    }
  }
  t.quantized_dim = quantized_dim;
  for (int i = 0; i < num_scales; ++i) {
    if (!std::isfinite(scales[i])) return Fail(plan, "tensor %d: scale %d is not finite", id, i);
    t.scales.push_back(scales[i]);
    t.zero_points.push_back(zero_points != nullptr ? zero_points[i] : 0);
  }
  plan->tensors.push_back(t);
  plan->prepared = false;
  return id;
}

int edgert_plan_add_op(edgert_plan* plan, int builtin_code, const char* kernel_id, int n_inputs,
                       const int32_t* inputs, int n_outputs, const int32_t* outputs, int n_int_params,
                       const int32_t* int_params, int n_float_params, const float* float_params) {
  if (plan == nullptr) return -1;
  plan->error.clear();
  const int id = static_cast<int>(plan->ops.size());
  if (n_inputs < 0 || (n_inputs > 0 && inputs == nullptr) || n_outputs < 0 || (n_outputs > 0 && outputs == nullptr) ||
      n_int_params < 0 || (n_int_params > 0 && int_params == nullptr) || n_float_params < 0 ||
      (n_float_params > 0 && float_params == nullptr)) {
    return Fail(plan, "op %d (%s): NULL array with a positive count", id, BuiltinName(builtin_code));
  }
  const int n_tensors = static_cast<int>(plan->tensors.size());
  edgert::Op op;
  op.builtin = builtin_code;
  if (kernel_id != nullptr) op.kernel_request = kernel_id;
  for (int i = 0; i < n_inputs; ++i) {
    if (inputs[i] < -1 || inputs[i] >= n_tensors) {
      return Fail(plan, "op %d (%s): input %d refers to tensor %d, have %d", id, BuiltinName(builtin_code), i, inputs[i], n_tensors);
    }
    op.inputs.push_back(inputs[i]);
  }
  for (int i = 0; i < n_outputs; ++i) {
    if (outputs[i] < 0 || outputs[i] >= n_tensors) {
      return Fail(plan, "op %d (%s): output %d refers to tensor %d, have %d", id, BuiltinName(builtin_code), i, outputs[i], n_tensors);
    }
    op.outputs.push_back(outputs[i]);
  }
  op.ints.assign(int_params, int_params + n_int_params);
  op.floats.assign(float_params, float_params + n_float_params);
  plan->ops.push_back(op);
  plan->prepared = false;
  return id;
}

int edgert_plan_set_op_requant(edgert_plan* plan, int op, int requant_mode) {
  if (plan == nullptr) return -1;
  plan->error.clear();
  if (op < 0 || op >= static_cast<int>(plan->ops.size())) {
    return Fail(plan, "op %d does not exist (have %zu)", op, plan->ops.size());
  }
  if (requant_mode < -1 || requant_mode > EDGERT_REQUANT_GEMMLOWP_UP) {
    return Fail(plan, "op %d: requant_mode must be -1, 0, 1, 2 or 3, got %d", op, requant_mode);
  }
  plan->ops[op].requant_override = requant_mode;
  plan->prepared = false;
  return 0;
}

int edgert_plan_prepare(edgert_plan* plan) {
  if (plan == nullptr) return -1;
  plan->error.clear();
  plan->prepared = false;
  if (!plan->create_error.empty()) return Fail(plan, "%s", plan->create_error.c_str());
  plan->uses_arena = false;
  plan->packed_bytes = 0;
  for (size_t i = 0; i < plan->ops.size(); ++i) {
    edgert::Op& op = plan->ops[i];
    const char* name = BuiltinName(op.builtin);
    std::string why;
    const int mode = op.requant_override >= 0 ? op.requant_override : plan->requant_mode;
    if (!edgert::PrepareOp(mode, plan->tensors, &op, &why)) {
      return Fail(plan, "op %zu (%s): %s", i, name, why.c_str());
    }
    const int in_dtype = op.inputs.empty() || op.inputs[0] < 0 ? -1 : plan->tensors[op.inputs[0]].dtype;
    const int out_dtype = plan->tensors[op.outputs[0]].dtype;
    const edgert::KernelVariant* k = nullptr;
    if (!op.kernel_request.empty()) {
      k = edgert::FindKernel(op.kernel_request.c_str());
      if (k == nullptr) return Fail(plan, "op %zu (%s): unknown kernel id '%s'", i, name, op.kernel_request.c_str());
      if (!edgert::KernelMatches(*k, op.builtin, in_dtype, out_dtype)) {
        return Fail(plan, "op %zu (%s): kernel '%s' does not implement this op for dtypes %d -> %d", i, name, k->id,
                    in_dtype, out_dtype);
      }
      if (!edgert::KernelEnabled(*k)) return Fail(plan, "op %zu (%s): kernel '%s' is not supported on this CPU", i, name, k->id);
      if ((k->requant_modes & (1u << mode)) == 0) {
        return Fail(plan, "op %zu (%s): kernel '%s' does not implement requant mode %d", i, name, k->id, mode);
      }
      if (k->applies != nullptr && !k->applies(op.params)) {
        // A request is a preference (a device profile names one variant for every op of a type): where this op's
        // shape or parameters are outside what the variant handles (groups, depth multiplier, non-constant
        // weights), the registry's first eligible variant runs instead. edgert_plan_op_kernel reports it.
        k = edgert::PickKernel(op.builtin, in_dtype, out_dtype, mode, &op.params);
        if (k == nullptr) return Fail(plan, "op %zu (%s): no kernel for dtypes %d -> %d", i, name, in_dtype, out_dtype);
      }
    } else {
      k = edgert::PickKernel(op.builtin, in_dtype, out_dtype, mode, &op.params);
      if (k == nullptr && edgert::PickKernel(op.builtin, in_dtype, out_dtype, EDGERT_REQUANT_GEMMLOWP) != nullptr) {
        return Fail(plan, "op %zu (%s): no kernel for dtypes %d -> %d implements requant mode %d", i, name, in_dtype,
                    out_dtype, mode);
      }
      if (k == nullptr) return Fail(plan, "op %zu (%s): no kernel for dtypes %d -> %d", i, name, in_dtype, out_dtype);
    }
    op.kernel = k;
    op.params.gemm = edgert::PackedGemm();
    try {
      // packed weights, row scratch, padded inputs: a model declaring huge tensors must fail here, not abort
      if (k->pack != nullptr) k->pack(op.params);
    } catch (const std::bad_alloc&) {
      op.params.gemm = edgert::PackedGemm();
      return Fail(plan, "op %zu (%s): out of memory packing it for kernel '%s'", i, name, k->id);
    }
    const edgert::OpParams& prm = op.params;
    plan->packed_bytes += prm.gemm.Bytes();
    plan->packed_bytes += static_cast<int64_t>(prm.mult.size() * sizeof(int32_t) + prm.shift.size() * sizeof(int) +
                                               prm.fscale.size() * sizeof(float));
    if (op.builtin == edgert::kLogistic || op.builtin == edgert::kTanh || k->run == edgert::ref::lut_x8) {
      plan->packed_bytes += sizeof(prm.lut);
    }
    if (op.builtin == edgert::kSoftmax) plan->packed_bytes += sizeof(prm.table) + sizeof(prm.table16);
    for (const edgert::TensorRef& r : op.params.in) plan->uses_arena |= r.data == nullptr && r.offset >= 0;
    for (const edgert::TensorRef& r : op.params.out) plan->uses_arena |= r.data == nullptr && r.offset >= 0;
  }
  try {
    BindPool(plan);  // sizes the workers' scratch like the ops' own
  } catch (const std::bad_alloc&) {
    return Fail(plan, "out of memory for the threads' scratch");
  }
  plan->prepared = true;
  return 0;
}

int edgert_plan_set_threads(edgert_plan* plan, int threads) {
  if (plan == nullptr) return -1;
  plan->error.clear();
  if (threads < 1 || threads > edgert::kMaxThreads) {
    return Fail(plan, "threads must be in [1, %d], got %d", edgert::kMaxThreads, threads);
  }
  if (threads == plan->threads) return 0;
  plan->pool.reset();
  plan->threads = threads;
  try {
    if (threads > 1) plan->pool.reset(new edgert::ThreadPool(threads));
    BindPool(plan);
  } catch (const std::exception& e) {  // std::system_error (thread creation) or std::bad_alloc (scratch)
    plan->pool.reset();
    plan->threads = 1;
    BindPool(plan);
    return Fail(plan, "could not start %d threads: %s", threads, e.what());
  }
  return 0;
}

int edgert_plan_threads(const edgert_plan* plan) { return plan == nullptr ? 0 : plan->threads; }

int edgert_plan_run(edgert_plan* plan, void* arena, int64_t* op_times_ns) {
  if (plan == nullptr) return -1;
  if (!plan->prepared) return Fail(plan, "run before a successful prepare");
  if (arena == nullptr && plan->uses_arena) return Fail(plan, "arena is NULL");
  uint8_t* base = static_cast<uint8_t*>(arena);
  const size_t n = plan->ops.size();
  for (size_t i = 0; i < n; ++i) {
    const edgert::Op& op = plan->ops[i];
    if (op_times_ns != nullptr) {
      const int64_t t0 = NowNs();
      op.kernel->run(op.params, base);
      op_times_ns[i] = NowNs() - t0;
    } else {
      op.kernel->run(op.params, base);
    }
  }
  return 0;
}

int edgert_plan_op_count(const edgert_plan* plan) { return plan == nullptr ? 0 : static_cast<int>(plan->ops.size()); }

const char* edgert_plan_op_kernel(const edgert_plan* plan, int op) {
  if (plan == nullptr || op < 0 || op >= static_cast<int>(plan->ops.size()) || plan->ops[op].kernel == nullptr) {
    return nullptr;
  }
  return plan->ops[op].kernel->id;
}

int64_t edgert_plan_packed_bytes(const edgert_plan* plan) { return plan == nullptr ? 0 : plan->packed_bytes; }

const char* edgert_plan_error(const edgert_plan* plan) { return plan == nullptr ? "plan is NULL" : plan->error.c_str(); }

void edgert_plan_destroy(edgert_plan* plan) { delete plan; }

}  // extern "C"
