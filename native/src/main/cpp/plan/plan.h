// The plan object behind edgert/plan.h: declared tensors and ops, and per op the prepared parameters and the
// bound kernel variant.
#ifndef EDGERT_PLAN_PLAN_H_
#define EDGERT_PLAN_PLAN_H_

#include <stdint.h>

#include <string>
#include <vector>

#include "config/kernel_config.h"
#include "ref/kernels.h"

namespace edgert {

struct Tensor {
  int dtype = 0;
  int rank = 0;
  int32_t dims[kMaxRank] = {0};
  int64_t offset = -1;
  const void* data = nullptr;
  std::vector<float> scales;
  std::vector<int64_t> zero_points;
  int quantized_dim = 0;

  int64_t Count() const {
    int64_t n = 1;
    for (int i = 0; i < rank; ++i) n *= dims[i];
    return n;
  }
  bool Quantized() const { return !scales.empty(); }
  float Scale() const { return scales.empty() ? 0.0f : scales[0]; }
  int32_t ZeroPoint() const { return zero_points.empty() ? 0 : static_cast<int32_t>(zero_points[0]); }
  TensorRef Ref() const {
    TensorRef r;
    r.data = data;
    r.offset = offset;
    return r;
  }
};

struct Op {
  int builtin = 0;
  std::string kernel_request;
  std::vector<int32_t> inputs, outputs, ints;
  std::vector<float> floats;
  int requant_override = -1;  // EDGERT_REQUANT_*, or -1 for the plan's mode
  const KernelVariant* kernel = nullptr;
  OpParams params;

  int Int(size_t i, int fallback) const { return i < ints.size() ? ints[i] : fallback; }
  float Float(size_t i, float fallback) const { return i < floats.size() ? floats[i] : fallback; }
};

// Prepares one op: validates it against its tensors and fills op->params. Returns false with *error set.
bool PrepareOp(int requant_mode, const std::vector<Tensor>& tensors, Op* op, std::string* error);

// Byte size of one element of dtype, or 0 when unsupported.
int DtypeSize(int dtype);

}  // namespace edgert

#endif  // EDGERT_PLAN_PLAN_H_
