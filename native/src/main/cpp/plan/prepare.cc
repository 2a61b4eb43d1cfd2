// Prepare: validate each op against its tensors, compute multipliers and tables the way TFLite 2.20's Prepare
// functions do (the per-kernel comments in ref/ say which), and fill OpParams. Never aborts: every problem is a
// message and false.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "plan/plan.h"
#include "ref/quant.h"

namespace edgert {
namespace {

constexpr int kPaddingSame = 0;
constexpr int kPaddingValid = 1;
constexpr int kActNone = 0, kActRelu = 1, kActReluN1To1 = 2, kActRelu6 = 3;

class Checker {
 public:
  Checker(const std::vector<Tensor>& tensors, const Op& op, std::string* error)
      : tensors_(tensors), op_(op), error_(error) {}

  bool Fail(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    *error_ = buf;
    return false;
  }

  // Input i, or nullptr when omitted / out of range.
  const Tensor* In(size_t i) const {
    if (i >= op_.inputs.size() || op_.inputs[i] < 0) return nullptr;
    return &tensors_[op_.inputs[i]];
  }
  const Tensor* Out(size_t i) const {
    if (i >= op_.outputs.size() || op_.outputs[i] < 0) return nullptr;
    return &tensors_[op_.outputs[i]];
  }

  bool Counts(size_t min_in, size_t max_in, size_t n_out) {
    if (op_.inputs.size() < min_in || op_.inputs.size() > max_in) {
      return Fail("expected %zu to %zu inputs, got %zu", min_in, max_in, op_.inputs.size());
    }
    if (op_.outputs.size() != n_out) return Fail("expected %zu outputs, got %zu", n_out, op_.outputs.size());
    for (size_t i = 0; i < min_in; ++i) {
      if (In(i) == nullptr) return Fail("input %zu is required", i);
    }
    for (size_t i = 0; i < n_out; ++i) {
      if (Out(i) == nullptr) return Fail("output %zu is required", i);
      if (Out(i)->data != nullptr) return Fail("output %zu is a constant", i);
    }
    return true;
  }

  bool Quant8(const Tensor* t, const char* what) {
    if (t->dtype != kInt8 && t->dtype != kUInt8) return Fail("%s: expected int8 or uint8, got dtype %d", what, t->dtype);
    if (!t->Quantized()) return Fail("%s: expected quantization parameters", what);
    if (!(t->scales[0] > 0.0f) || !std::isfinite(t->scales[0])) return Fail("%s: scale must be positive, got %g", what, t->scales[0]);
    const int32_t zp = t->ZeroPoint();
    const int32_t lo = t->dtype == kInt8 ? -128 : 0;
    const int32_t hi = t->dtype == kInt8 ? 127 : 255;
    if (zp < lo || zp > hi) return Fail("%s: zero point %d outside [%d, %d]", what, zp, lo, hi);
    return true;
  }

  bool SameDtype(const Tensor* a, const Tensor* b, const char* what) {
    if (a->dtype != b->dtype) return Fail("%s: expected dtype %d, got %d", what, a->dtype, b->dtype);
    return true;
  }

  bool Rank(const Tensor* t, int rank, const char* what) {
    if (t->rank != rank) return Fail("%s: expected rank %d, got %d", what, rank, t->rank);
    return true;
  }

  bool ConstInt(const Tensor* t, const char* what) {
    if (t == nullptr) return Fail("%s: missing", what);
    if (t->data == nullptr) return Fail("%s: must be a constant", what);
    if (t->dtype != kInt32 && t->dtype != kInt64) return Fail("%s: expected int32 or int64, got dtype %d", what, t->dtype);
    return true;
  }

 private:
  const std::vector<Tensor>& tensors_;
  const Op& op_;
  std::string* error_;
};

int64_t ConstIntAt(const Tensor* t, int64_t i) {
  return t->dtype == kInt64 ? static_cast<const int64_t*>(t->data)[i] : static_cast<const int32_t*>(t->data)[i];
}

// TFLite CalculateActivationRangeQuantized.
bool ActivationRange(Checker& c, int activation, const Tensor* out, int32_t* act_min, int32_t* act_max) {
  const int32_t qmin = out->dtype == kInt8 ? -128 : 0;
  const int32_t qmax = out->dtype == kInt8 ? 127 : 255;
  const float scale = out->Scale();
  const int32_t zp = out->ZeroPoint();
  auto quantize = [&](float f) { return zp + static_cast<int32_t>(std::round(f / scale)); };
  switch (activation) {
    case kActNone:
      *act_min = qmin;
      *act_max = qmax;
      return true;
    case kActRelu:
      *act_min = std::max(qmin, quantize(0.0f));
      *act_max = qmax;
      return true;
    case kActRelu6:
      *act_min = std::max(qmin, quantize(0.0f));
      *act_max = std::min(qmax, quantize(6.0f));
      return true;
    case kActReluN1To1:
      *act_min = std::max(qmin, quantize(-1.0f));
      *act_max = std::min(qmax, quantize(1.0f));
      return true;
    default:
      return c.Fail("unsupported fused activation %d", activation);
  }
}

// TFLite ComputeOutSize / ComputePaddingWithOffset (the padding on the leading side).
int OutSize(int padding, int image, int filter, int stride, int dilation) {
  const int eff = (filter - 1) * dilation + 1;
  return padding == kPaddingSame ? (image + stride - 1) / stride : (image + stride - eff) / stride;
}
int PadBefore(int stride, int dilation, int in, int filter, int out) {
  const int eff = (filter - 1) * dilation + 1;
  const int total = std::max(0, (out - 1) * stride + eff - in);
  return total / 2;
}

bool Geometry(Checker& c, OpParams& p, int padding, const Tensor* in, const Tensor* out) {
  if (padding != kPaddingSame && padding != kPaddingValid) return c.Fail("padding must be 0 (SAME) or 1 (VALID), got %d", padding);
  if (p.stride_w <= 0 || p.stride_h <= 0) return c.Fail("strides must be positive, got w=%d h=%d", p.stride_w, p.stride_h);
  if (p.dil_w <= 0 || p.dil_h <= 0) return c.Fail("dilations must be positive, got w=%d h=%d", p.dil_w, p.dil_h);
  if (p.k_w <= 0 || p.k_h <= 0) return c.Fail("filter size must be positive, got w=%d h=%d", p.k_w, p.k_h);
  p.batches = in->dims[0];
  p.in_h = in->dims[1];
  p.in_w = in->dims[2];
  p.in_c = in->dims[3];
  const int oh = OutSize(padding, p.in_h, p.k_h, p.stride_h, p.dil_h);
  const int ow = OutSize(padding, p.in_w, p.k_w, p.stride_w, p.dil_w);
  if (oh <= 0 || ow <= 0) return c.Fail("filter %dx%d larger than input %dx%d with VALID padding", p.k_h, p.k_w, p.in_h, p.in_w);
  if (out->dims[0] != p.batches || out->dims[1] != oh || out->dims[2] != ow) {
    return c.Fail("output shape [%d,%d,%d,%d] does not match computed [%d,%d,%d,...]", out->dims[0], out->dims[1],
                  out->dims[2], out->dims[3], p.batches, oh, ow);
  }
  p.out_h = oh;
  p.out_w = ow;
  p.out_c = out->dims[3];
  p.pad_h = PadBefore(p.stride_h, p.dil_h, p.in_h, p.k_h, oh);
  p.pad_w = PadBefore(p.stride_w, p.dil_w, p.in_w, p.k_w, ow);
  return true;
}

// Per-channel (or per-tensor) multipliers: double(in_scale) * double(filter_scale) / double(out_scale)
// (PopulateConvolutionQuantizationParams / GetQuantizedConvolutionMultipler); FP32: float arithmetic (XNNPACK).
bool ChannelMultipliers(Checker& c, int mode, OpParams& p, const Tensor* in, const Tensor* filter, const Tensor* out,
                        int channels, int channel_dim) {
  const size_t n = filter->scales.size();
  if (n != 1 && static_cast<int>(n) != channels) return c.Fail("filter: expected 1 or %d scales, got %zu", channels, n);
  if (n > 1 && filter->quantized_dim != channel_dim) {
    return c.Fail("filter: per-channel quantization must be along dimension %d, got %d", channel_dim, filter->quantized_dim);
  }
  for (size_t i = 0; i < filter->zero_points.size(); ++i) {
    if (filter->zero_points[i] != filter->zero_points[0]) return c.Fail("filter: per-channel zero points must be equal");
  }
  if (filter->dtype == kInt8 && filter->ZeroPoint() != 0 && n > 1) return c.Fail("filter: per-channel int8 weights need zero point 0");
  p.filter_zp = filter->ZeroPoint();
  p.mult.resize(n);
  p.shift.resize(n);
  p.fscale.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const float fs = filter->scales[i];
    if (!(fs > 0.0f)) return c.Fail("filter: scale %zu must be positive, got %g", i, fs);
    const double real = static_cast<double>(in->Scale()) * static_cast<double>(fs) / static_cast<double>(out->Scale());
    QuantizeMultiplier(real, &p.mult[i], &p.shift[i], mode == EDGERT_REQUANT_SINGLE);
    p.fscale[i] = in->Scale() * fs / out->Scale();
  }
  return true;
}

bool Bias(Checker& c, OpParams& p, const Tensor* bias, int channels) {
  p.has_bias = bias != nullptr;
  if (bias == nullptr) return true;
  if (bias->dtype != kInt32) return c.Fail("bias: expected int32, got dtype %d", bias->dtype);
  if (bias->Count() != channels) return c.Fail("bias: expected %d elements, got %lld", channels, (long long)bias->Count());
  return true;
}

bool PrepareConv(Checker& c, int mode, Op& op, bool depthwise) {
  OpParams& p = op.params;
  if (!c.Counts(2, 3, 1)) return false;
  const Tensor* in = c.In(0);
  const Tensor* filter = c.In(1);
  const Tensor* bias = c.In(2);
  const Tensor* out = c.Out(0);
  if (!c.Quant8(in, "input") || !c.Quant8(filter, "filter") || !c.Quant8(out, "output")) return false;
  if (!c.SameDtype(in, filter, "filter") || !c.SameDtype(in, out, "output")) return false;
  if (!c.Rank(in, 4, "input") || !c.Rank(filter, 4, "filter") || !c.Rank(out, 4, "output")) return false;
  const int padding = op.Int(0, kPaddingSame);
  p.stride_w = op.Int(1, 1);
  p.stride_h = op.Int(2, 1);
  p.dil_w = op.Int(3, 1);
  p.dil_h = op.Int(4, 1);
  const int activation = op.Int(5, kActNone);
  if (depthwise) {
    if (filter->dims[0] != 1) return c.Fail("filter: expected shape [1, h, w, channels], got dim 0 = %d", filter->dims[0]);
    p.k_h = filter->dims[1];
    p.k_w = filter->dims[2];
  } else {
    p.k_h = filter->dims[1];
    p.k_w = filter->dims[2];
  }
  if (!Geometry(c, p, padding, in, out)) return false;
  if (p.in_c <= 0) return c.Fail("input: channel count must be positive");
  if (depthwise) {
    if (filter->dims[3] != p.out_c) return c.Fail("filter: %d channels, output has %d", filter->dims[3], p.out_c);
    const int dm = op.Int(6, p.out_c / p.in_c);
    if (dm <= 0 || p.in_c * dm != p.out_c) {
      return c.Fail("output channels %d != input channels %d * depth_multiplier %d", p.out_c, p.in_c, dm);
    }
    p.depth_multiplier = dm;
    if (!ChannelMultipliers(c, mode, p, in, filter, out, p.out_c, 3)) return false;
  } else {
    if (filter->dims[0] != p.out_c) return c.Fail("filter: %d output channels, output has %d", filter->dims[0], p.out_c);
    p.filter_in_c = filter->dims[3];
    if (p.filter_in_c <= 0 || p.in_c % p.filter_in_c != 0) {
      return c.Fail("filter depth %d does not divide input channels %d", p.filter_in_c, p.in_c);
    }
    const int groups = p.in_c / p.filter_in_c;
    if (p.out_c % groups != 0) return c.Fail("output channels %d not divisible by %d groups", p.out_c, groups);
    if (!ChannelMultipliers(c, mode, p, in, filter, out, p.out_c, 0)) return false;
  }
  if (!Bias(c, p, bias, p.out_c)) return false;
  p.in_zp = in->ZeroPoint();
  p.out_zp = out->ZeroPoint();
  return ActivationRange(c, activation, out, &p.act_min, &p.act_max);
}

bool PrepareFc(Checker& c, int mode, Op& op) {
  OpParams& p = op.params;
  if (!c.Counts(2, 3, 1)) return false;
  const Tensor* in = c.In(0);
  const Tensor* filter = c.In(1);
  const Tensor* bias = c.In(2);
  const Tensor* out = c.Out(0);
  if (!c.Quant8(in, "input") || !c.Quant8(filter, "filter") || !c.Quant8(out, "output")) return false;
  if (!c.SameDtype(in, filter, "filter") || !c.SameDtype(in, out, "output")) return false;
  if (!c.Rank(filter, 2, "filter")) return false;
  p.units = filter->dims[0];
  p.accum_depth = filter->dims[1];
  if (p.units <= 0 || p.accum_depth <= 0) return c.Fail("filter: dimensions must be positive");
  if (in->Count() % p.accum_depth != 0) {
    return c.Fail("input: %lld elements not a multiple of filter depth %d", (long long)in->Count(), p.accum_depth);
  }
  p.fc_batches = static_cast<int>(in->Count() / p.accum_depth);
  if (out->Count() != static_cast<int64_t>(p.fc_batches) * p.units) {
    return c.Fail("output: expected %lld elements, got %lld", (long long)p.fc_batches * p.units, (long long)out->Count());
  }
  if (out->rank < 1 || out->dims[out->rank - 1] != p.units) return c.Fail("output: last dimension must be %d", p.units);
  if (!ChannelMultipliers(c, mode, p, in, filter, out, p.units, 0)) return false;
  if (!Bias(c, p, bias, p.units)) return false;
  p.in_zp = in->ZeroPoint();
  p.out_zp = out->ZeroPoint();
  return ActivationRange(c, op.Int(0, kActNone), out, &p.act_min, &p.act_max);
}

// Right-aligns t's shape into dims[kMaxRank] (leading 1s).
void Align(const Tensor* t, int32_t* dims) {
  const int lead = kMaxRank - t->rank;
  for (int d = 0; d < kMaxRank; ++d) dims[d] = d < lead ? 1 : t->dims[d - lead];
}

void Strides(const int32_t* dims, int64_t* strides) {
  int64_t s = 1;
  for (int d = kMaxRank - 1; d >= 0; --d) {
    strides[d] = s;
    s *= dims[d];
  }
}

// XNNPACK qs8/qu8 add parameters (see ref/elementwise.cc); leaves p.xnn_add false when TFLite would not delegate.
void XnnAddParams(bool sub, const Tensor* a, const Tensor* b, const Tensor* out, OpParams& p) {
  const float a_out = a->Scale() / out->Scale();
  const float b_out = (sub ? -1.0f : 1.0f) * (b->Scale() / out->Scale());
  const float abs_a = std::fabs(a_out), abs_b = std::fabs(b_out);
  const float lo = std::ldexp(1.0f, -10), hi = std::ldexp(1.0f, 8);
  if (!(abs_a >= lo && abs_a < hi && abs_b >= lo && abs_b < hi)) return;
  const float max_abs = std::max(abs_a, abs_b);
  uint32_t bits;
  memcpy(&bits, &max_abs, sizeof(bits));
  const int exponent = static_cast<int>(bits >> 23) - 127;
  const int shift = 20 - exponent;
  if (shift < 12 || shift > 30) return;
  const int32_t ma = static_cast<int32_t>(std::lrintf(std::ldexp(abs_a, shift)));
  const int32_t mb = static_cast<int32_t>(std::lrintf(std::ldexp(abs_b, shift)));
  p.in1_mult = std::signbit(a_out) ? -ma : ma;
  p.in2_mult = std::signbit(b_out) ? -mb : mb;
  p.xnn_shift = shift;
  p.xnn_bias = (1 << (shift - 1)) - p.in1_mult * p.in_zp - p.in2_mult * p.in2_zp;
  p.xnn_add = true;
}

bool PrepareBinary(Checker& c, int mode, Op& op) {
  OpParams& p = op.params;
  if (!c.Counts(2, 2, 1)) return false;
  const Tensor* a = c.In(0);
  const Tensor* b = c.In(1);
  const Tensor* out = c.Out(0);
  if (!c.Quant8(a, "input 0") || !c.Quant8(b, "input 1") || !c.Quant8(out, "output")) return false;
  if (!c.SameDtype(a, b, "input 1") || !c.SameDtype(a, out, "output")) return false;
  int32_t da[kMaxRank], db[kMaxRank], dout[kMaxRank];
  Align(a, da);
  Align(b, db);
  Align(out, dout);
  int64_t sa[kMaxRank], sb[kMaxRank];
  Strides(da, sa);
  Strides(db, sb);
  for (int d = 0; d < kMaxRank; ++d) {
    const int32_t want = da[d] == 1 ? db[d] : da[d];
    if ((da[d] != 1 && db[d] != 1 && da[d] != db[d]) || dout[d] != want) {
      return c.Fail("shapes do not broadcast to the output (axis %d from the end: %d, %d -> %d)", kMaxRank - 1 - d,
                    da[d], db[d], dout[d]);
    }
    p.out_dims[d] = dout[d];
    p.in1_strides[d] = da[d] == 1 ? 0 : sa[d];
    p.in2_strides[d] = db[d] == 1 ? 0 : sb[d];
  }
  p.count = out->Count();
  p.in_zp = a->ZeroPoint();
  p.in2_zp = b->ZeroPoint();
  p.out_zp = out->ZeroPoint();
  const bool single = mode == EDGERT_REQUANT_SINGLE;
  if (op.builtin == kMul) {
    // mul.cc: `double real_multiplier = input1->params.scale * input2->params.scale / output->params.scale;`
    // is evaluated in float (the scales are floats), then widened.
    const double real = static_cast<double>(a->Scale() * b->Scale() / out->Scale());
    QuantizeMultiplier(real, &p.out_mult, &p.out_shift, single);
    p.fp32_scale = a->Scale() * b->Scale() / out->Scale();
  } else {
    p.left_shift = 20;
    const double twice_max = 2 * std::max(a->Scale(), b->Scale());
    const double real1 = a->Scale() / twice_max;
    const double real2 = b->Scale() / twice_max;
    const double real_out = twice_max / ((1 << p.left_shift) * out->Scale());
    QuantizeMultiplier(real1, &p.in1_mult, &p.in1_shift, single);
    QuantizeMultiplier(real2, &p.in2_mult, &p.in2_shift, single);
    QuantizeMultiplier(real_out, &p.out_mult, &p.out_shift, single);
    if (op.builtin == kSub) p.in2_mult = -p.in2_mult;  // sub.cc op_sign
    if (mode == EDGERT_REQUANT_FP32) XnnAddParams(op.builtin == kSub, a, b, out, p);
  }
  return ActivationRange(c, op.Int(0, kActNone), out, &p.act_min, &p.act_max);
}

bool PreparePool(Checker& c, Op& op) {
  OpParams& p = op.params;
  if (!c.Counts(1, 1, 1)) return false;
  const Tensor* in = c.In(0);
  const Tensor* out = c.Out(0);
  if (!c.Quant8(in, "input") || !c.Quant8(out, "output") || !c.SameDtype(in, out, "output")) return false;
  if (!c.Rank(in, 4, "input") || !c.Rank(out, 4, "output")) return false;
  if (in->Scale() != out->Scale() || in->ZeroPoint() != out->ZeroPoint()) {
    return c.Fail("input and output quantization must be equal (scale %g/%g, zero point %d/%d)", in->Scale(),
                  out->Scale(), in->ZeroPoint(), out->ZeroPoint());
  }
  const int padding = op.Int(0, kPaddingSame);
  p.stride_w = op.Int(1, 1);
  p.stride_h = op.Int(2, 1);
  p.k_w = op.Int(3, 1);
  p.k_h = op.Int(4, 1);
  if (!Geometry(c, p, padding, in, out)) return false;
  if (p.out_c != p.in_c) return c.Fail("output channels %d != input channels %d", p.out_c, p.in_c);
  p.out_zp = out->ZeroPoint();
  return ActivationRange(c, op.Int(5, kActNone), out, &p.act_min, &p.act_max);
}

bool PrepareMean(Checker& c, int mode, Op& op) {
  OpParams& p = op.params;
  if (!c.Counts(2, 2, 1)) return false;
  const Tensor* in = c.In(0);
  const Tensor* axes = c.In(1);
  const Tensor* out = c.Out(0);
  if (!c.Quant8(in, "input") || !c.Quant8(out, "output") || !c.SameDtype(in, out, "output")) return false;
  if (!c.ConstInt(axes, "axis")) return false;
  if (in->rank < 1) return c.Fail("input: rank must be at least 1");
  const bool keep_dims = op.Int(0, 0) != 0;
  const int64_t n_axes = axes->Count();
  if (n_axes < 1) return c.Fail("axis: expected at least one axis");
  const int lead = kMaxRank - in->rank;
  for (int64_t i = 0; i < n_axes; ++i) {
    int64_t a = ConstIntAt(axes, i);
    if (a < 0) a += in->rank;
    if (a < 0 || a >= in->rank) return c.Fail("axis: %lld out of range for rank %d", (long long)ConstIntAt(axes, i), in->rank);
    p.reduce_axis[lead + a] = true;
  }
  Align(in, p.in_dims);
  int64_t expect = 1;
  p.mean_n = 1;
  for (int d = 0; d < kMaxRank; ++d) {
    if (p.reduce_axis[d]) {
      p.mean_n *= p.in_dims[d];
    } else {
      expect *= p.in_dims[d];
    }
  }
  if (out->Count() != expect) return c.Fail("output: expected %lld elements, got %lld", (long long)expect, (long long)out->Count());
  if (keep_dims && out->rank != in->rank) return c.Fail("output: keep_dims needs rank %d, got %d", in->rank, out->rank);
  if (p.mean_n == 0) return c.Fail("input: reduced axes are empty");
  p.count = expect;
  p.out_zp = out->ZeroPoint();
  p.in_zp = in->ZeroPoint();
  const int64_t a0 = ConstIntAt(axes, 0);
  const int64_t a1 = n_axes > 1 ? ConstIntAt(axes, 1) : -1;
  if (keep_dims && in->rank == 4 && n_axes == 2 && ((a0 == 1 && a1 == 2) || (a0 == 2 && a1 == 1))) {
    p.mean_path = kMeanHw;
    p.batches = in->dims[0];
    p.in_h = in->dims[1];
    p.in_w = in->dims[2];
    p.in_c = in->dims[3];
    const float num = static_cast<float>(p.in_w * p.in_h);
    // Current optimized_integer_ops::Mean / optimized_ops::Mean round the zero-point term half away from zero
    // (older releases truncated it: static_cast<int32>(zp * in_scale / out_scale)).
    float temp = in->ZeroPoint() * in->Scale() / out->Scale();
    temp = temp > 0 ? temp + 0.5f : temp - 0.5f;
    p.mean_bias = out->ZeroPoint() - static_cast<int32_t>(temp);
    const float real_scale = in->Scale() / (num * out->Scale());
    p.mult.resize(1);
    p.shift.resize(1);
    QuantizeMultiplier(real_scale, &p.mult[0], &p.shift[0], mode == EDGERT_REQUANT_SINGLE);
  } else {
    // reduce.cc EvalQuantizedMean -> reference_ops::QuantizedMeanOrSum (integer version, compute_sum = false), for
    // equal and unequal params alike: QuantizeMultiplier(double(in_scale) / double(out_scale)) from
    // PrepareMeanOrSum, then 1/n folded in: s = min(floor(log2(n)), 32, 31 + shift), multiplier = (M << s) / n
    // (truncating int64 division), shift -= s; applied to int32(sum - in_zp * n).
    p.mean_path = kMeanGeneral;
    p.mult.resize(1);
    p.shift.resize(1);
    int32_t m = 0;
    int s = 0;
    QuantizeMultiplier(static_cast<double>(in->Scale()) / static_cast<double>(out->Scale()), &m, &s,
                       mode == EDGERT_REQUANT_SINGLE);
    int fold = 63 - __builtin_clzll(static_cast<uint64_t>(p.mean_n));
    fold = std::min(fold, 32);
    fold = std::min(fold, 31 + s);
    p.mult[0] = static_cast<int32_t>((static_cast<int64_t>(m) << fold) / p.mean_n);
    p.shift[0] = s - fold;
  }
  return true;
}

bool PrepareUnary(Checker& c, Op& op) {
  if (!c.Counts(1, 1, 1)) return false;
  const Tensor* in = c.In(0);
  const Tensor* out = c.Out(0);
  if (!c.Quant8(in, "input") || !c.Quant8(out, "output") || !c.SameDtype(in, out, "output")) return false;
  if (in->Count() != out->Count()) return c.Fail("output: expected %lld elements, got %lld", (long long)in->Count(), (long long)out->Count());
  OpParams& p = op.params;
  p.count = in->Count();
  p.in_zp = in->ZeroPoint();
  p.out_zp = out->ZeroPoint();
  return true;
}

bool PrepareActivation(Checker& c, int mode, Op& op) {
  if (!PrepareUnary(c, op)) return false;
  OpParams& p = op.params;
  const Tensor* in = c.In(0);
  const Tensor* out = c.Out(0);
  const bool single = mode == EDGERT_REQUANT_SINGLE;
  const int32_t qmin = out->dtype == kInt8 ? -128 : 0;
  const int32_t qmax = out->dtype == kInt8 ? 127 : 255;
  switch (op.builtin) {
    case kSoftmax: {
      if (in->rank < 1) return c.Fail("input: rank must be at least 1");
      if (in->rank != out->rank) return c.Fail("output: expected rank %d, got %d", in->rank, out->rank);
      p.inner = in->dims[in->rank - 1];
      p.outer = p.inner == 0 ? 0 : in->Count() / p.inner;
      const float beta = op.Float(0, 1.0f);
      const float scale = -in->Scale() * beta;  // PopulateSoftmaxLookupTable
      for (int32_t val = 0; val <= 255; ++val) p.table[255 - val] = expf(scale * val);
      // PopulateSoftmaxUInt8LookupTable (TFLITE_SOFTMAX_USE_UINT16_LUT builds).
      const float scale16 = in->Scale() * beta;
      for (int32_t val = 0; val <= 255; ++val) {
        const float input_to_exp = scale16 * (val - 255);
        const int32_t temp = static_cast<int32_t>(expf(input_to_exp) * 65535 + 0.5);
        p.table16[val] = static_cast<uint16_t>(std::min(65535, temp));
      }
      p.out_scale = out->Scale();
      return true;
    }
    case kLogistic:
    case kTanh: {
      // LUTPopulate<T>.
      const float inverse_scale = 1 / out->Scale();
      for (int32_t val = qmin; val <= qmax; ++val) {
        const float x = in->Scale() * (val - in->ZeroPoint());
        const float y = op.builtin == kLogistic ? 1.0f / (1.0f + std::exp(-x)) : std::tanh(x);
        const float rescaled = std::round(y * inverse_scale);
        const int32_t q = static_cast<int32_t>(rescaled + out->ZeroPoint());
        p.lut[static_cast<uint8_t>(val)] = static_cast<uint8_t>(std::max(std::min(qmax, q), qmin));
      }
      return true;
    }
    case kHardSwish: {
      const float hires_input_scale = (1.0f / 128.0f) * in->Scale();
      const float reluish_scale = 3.0f / 32768.0f;
      const float output_multiplier = hires_input_scale / out->Scale();
      int32_t m32;
      QuantizeMultiplier(output_multiplier, &m32, &p.hs_out_exp, single);
      p.hs_out_mult16 = DownScaleInt32ToInt16Multiplier(m32);
      if (p.hs_out_exp > 0) return c.Fail("output scale too small for HARD_SWISH (multiplier exponent %d > 0)", p.hs_out_exp);
      const float reluish_multiplier = hires_input_scale / reluish_scale;
      QuantizeMultiplier(reluish_multiplier, &m32, &p.hs_relu_exp, single);
      p.hs_relu_mult16 = DownScaleInt32ToInt16Multiplier(m32);
      return true;
    }
    case kLeakyRelu: {
      const float alpha = op.Float(0, 0.0f);
      const double alpha_multiplier = static_cast<double>(in->Scale() * alpha / out->Scale());
      QuantizeMultiplier(alpha_multiplier, &p.alpha_mult, &p.alpha_shift, single);
      const double identity_multiplier = static_cast<double>(in->Scale() / out->Scale());
      QuantizeMultiplier(identity_multiplier, &p.id_mult, &p.id_shift, single);
      return true;
    }
    case kRelu:
    case kRelu6:
    case kReluN1To1: {
      const double real = in->Scale() / out->Scale();  // float division, as ReluPrepare
      QuantizeMultiplier(real, &p.out_mult, &p.out_shift, single);
      const float lo = op.builtin == kReluN1To1 ? -1.0f : 0.0f;
      const float hi = op.builtin == kRelu6 ? 6.0f : 1.0f;
      p.act_min = std::max(qmin, out->ZeroPoint() + static_cast<int32_t>(std::round(lo / out->Scale())));
      p.act_max = op.builtin == kRelu ? qmax
                                      : std::min(qmax, out->ZeroPoint() + static_cast<int32_t>(std::round(hi / out->Scale())));
      return true;
    }
    default:
      return c.Fail("internal: not an activation");
  }
}

bool PrepareCopy(Checker& c, Op& op) {
  if (op.inputs.size() < 1 || op.inputs.size() > 2) return c.Fail("expected 1 or 2 inputs, got %zu", op.inputs.size());
  if (!c.Counts(1, 2, 1)) return false;
  const Tensor* in = c.In(0);
  const Tensor* out = c.Out(0);
  if (!c.SameDtype(in, out, "output")) return false;
  if (in->Count() != out->Count()) return c.Fail("output: expected %lld elements, got %lld", (long long)in->Count(), (long long)out->Count());
  if (in->Quantized() != out->Quantized() ||
      (in->Quantized() && (in->Scale() != out->Scale() || in->ZeroPoint() != out->ZeroPoint()))) {
    return c.Fail("input and output quantization must be equal");
  }
  op.params.count = in->Count();
  op.params.elem_size = DtypeSize(in->dtype);
  if (op.params.elem_size == 0) return c.Fail("input: unsupported dtype %d", in->dtype);
  return true;
}

bool PrepareConcat(Checker& c, Op& op) {
  OpParams& p = op.params;
  if (op.inputs.empty()) return c.Fail("expected at least 1 input");
  if (!c.Counts(op.inputs.size(), op.inputs.size(), 1)) return false;
  const Tensor* out = c.Out(0);
  // The fused activation (int param 1) is ignored, as TFLite's concatenation.cc does ("Activation function
  // parameter is ignored"), so results stay bit-exact with TFLite even for models that set one.
  int axis = op.Int(0, 0);
  if (axis < 0) axis += out->rank;
  if (axis < 0 || axis >= out->rank) return c.Fail("axis %d out of range for rank %d", op.Int(0, 0), out->rank);
  p.elem_size = DtypeSize(out->dtype);
  if (p.elem_size == 0) return c.Fail("output: unsupported dtype %d", out->dtype);
  const bool quant = out->dtype == kInt8 || out->dtype == kUInt8;
  if (quant && !c.Quant8(out, "output")) return false;
  int64_t outer = 1;
  for (int d = 0; d < axis; ++d) outer *= out->dims[d];
  int64_t after = 1;
  for (int d = axis + 1; d < out->rank; ++d) after *= out->dims[d];
  int64_t axis_sum = 0;
  for (size_t i = 0; i < op.inputs.size(); ++i) {
    const Tensor* in = c.In(i);
    char what[32];
    snprintf(what, sizeof(what), "input %zu", i);
    if (!c.SameDtype(out, in, what) || !c.Rank(in, out->rank, what)) return false;
    if (quant && !c.Quant8(in, what)) return false;
    for (int d = 0; d < out->rank; ++d) {
      if (d != axis && in->dims[d] != out->dims[d]) {
        return c.Fail("%s: dimension %d is %d, output has %d", what, d, in->dims[d], out->dims[d]);
      }
    }
    axis_sum += in->dims[axis];
    p.concat_inner.push_back(static_cast<int64_t>(in->dims[axis]) * after);
    p.in.push_back(in->Ref());
    p.in_scales.push_back(in->Scale());
    p.in_zps.push_back(in->ZeroPoint());
  }
  if (axis_sum != out->dims[axis]) return c.Fail("output: axis %d is %d, inputs sum to %lld", axis, out->dims[axis], (long long)axis_sum);
  p.concat_outer = outer;
  p.out_scale = out->Scale();
  p.out_zp = out->ZeroPoint();
  return true;
}

bool PreparePad(Checker& c, Op& op) {
  OpParams& p = op.params;
  const bool v2 = op.builtin == kPadV2;
  if (!c.Counts(2, v2 ? 3 : 2, 1)) return false;
  const Tensor* in = c.In(0);
  const Tensor* pads = c.In(1);
  const Tensor* out = c.Out(0);
  if (!c.SameDtype(in, out, "output")) return false;
  if (!c.ConstInt(pads, "paddings")) return false;
  if (pads->rank != 2 || pads->dims[0] != in->rank || pads->dims[1] != 2) {
    return c.Fail("paddings: expected shape [%d, 2]", in->rank);
  }
  if (out->rank != in->rank) return c.Fail("output: expected rank %d, got %d", in->rank, out->rank);
  p.elem_size = DtypeSize(in->dtype);
  if (p.elem_size == 0) return c.Fail("input: unsupported dtype %d", in->dtype);
  const bool quant = in->dtype == kInt8 || in->dtype == kUInt8;
  if (quant && (in->Scale() != out->Scale() || in->ZeroPoint() != out->ZeroPoint())) {
    return c.Fail("input and output quantization must be equal");
  }
  Align(in, p.in_dims);
  Align(out, p.out_dims);
  const int lead = kMaxRank - in->rank;
  for (int d = 0; d < in->rank; ++d) {
    const int64_t before = ConstIntAt(pads, 2 * d);
    const int64_t after = ConstIntAt(pads, 2 * d + 1);
    if (before < 0 || after < 0) return c.Fail("paddings: negative padding on dimension %d", d);
    if (in->dims[d] + before + after != out->dims[d]) {
      return c.Fail("output: dimension %d is %d, expected %lld", d, out->dims[d], (long long)(in->dims[d] + before + after));
    }
    p.pad_before[lead + d] = static_cast<int32_t>(before);
  }
  memset(p.pad_value, 0, sizeof(p.pad_value));
  const Tensor* value = v2 ? c.In(2) : nullptr;
  if (value != nullptr) {
    if (value->data == nullptr) return c.Fail("constant_values: must be a constant");
    if (value->dtype != in->dtype || value->Count() != 1) return c.Fail("constant_values: expected one value of the input dtype");
    if (quant && value->Quantized() && (value->Scale() != out->Scale() || value->ZeroPoint() != out->ZeroPoint())) {
      return c.Fail("constant_values: quantization must equal the output's");
    }
    memcpy(p.pad_value, value->data, p.elem_size);
  } else if (quant) {
    const int32_t zp = out->ZeroPoint();
    p.pad_value[0] = static_cast<uint8_t>(zp);  // PAD on quantized tensors pads with the output zero point
  }
  p.count = out->Count();
  return true;
}

bool PrepareStridedSlice(Checker& c, Op& op) {
  OpParams& p = op.params;
  if (!c.Counts(4, 4, 1)) return false;
  const Tensor* in = c.In(0);
  const Tensor* out = c.Out(0);
  if (!c.SameDtype(in, out, "output")) return false;
  if (!c.ConstInt(c.In(1), "begin") || !c.ConstInt(c.In(2), "end") || !c.ConstInt(c.In(3), "strides")) return false;
  const int rank = in->rank;
  for (int i = 1; i <= 3; ++i) {
    if (c.In(i)->Count() != rank) return c.Fail("begin/end/strides: expected %d values, got %lld", rank, (long long)c.In(i)->Count());
  }
  const int begin_mask = op.Int(0, 0), end_mask = op.Int(1, 0), ellipsis_mask = op.Int(2, 0);
  const int new_axis_mask = op.Int(3, 0), shrink_mask = op.Int(4, 0);
  const bool offset = op.Int(5, 0) != 0;
  if (ellipsis_mask != 0 || new_axis_mask != 0) return c.Fail("ellipsis_mask and new_axis_mask are not supported");
  p.elem_size = DtypeSize(in->dtype);
  if (p.elem_size == 0) return c.Fail("input: unsupported dtype %d", in->dtype);
  if (in->Quantized() && (in->Scale() != out->Scale() || in->ZeroPoint() != out->ZeroPoint())) {
    return c.Fail("input and output quantization must be equal");
  }
  int32_t in_dims[kMaxRank];
  int64_t in_strides[kMaxRank];
  Align(in, in_dims);
  Strides(in_dims, in_strides);
  const int lead = kMaxRank - rank;
  int64_t total = 1;
  p.base_offset = 0;
  for (int d = 0; d < kMaxRank; ++d) {
    p.out_dims[d] = 1;
    p.in1_strides[d] = 0;
  }
  for (int a = 0; a < rank; ++a) {
    const int size = in->dims[a];
    const int64_t stride = ConstIntAt(c.In(3), a);
    if (stride == 0) return c.Fail("strides: stride of dimension %d is 0", a);
    int64_t start = ConstIntAt(c.In(1), a);
    int64_t stop = ConstIntAt(c.In(2), a);
    if (offset) stop += start;
    int64_t n;
    if (size == 0) {
      n = 0;
      start = 0;
    } else {
      // strided_slice_logic.h StartForAxis / StopForAxis.
      if (begin_mask & (1 << a)) start = stride > 0 ? std::numeric_limits<int>::min() : std::numeric_limits<int>::max();
      if (start < 0) start += size;
      start = stride > 0 ? std::min<int64_t>(std::max<int64_t>(start, 0), size) : std::min<int64_t>(std::max<int64_t>(start, -1), size - 1);
      if (shrink_mask & (1 << a)) {
        stop = start + 1;
      } else {
        if (end_mask & (1 << a)) stop = stride > 0 ? std::numeric_limits<int>::max() : std::numeric_limits<int>::min();
        if (stop < 0) stop += size;
        stop = stride > 0 ? std::min<int64_t>(std::max<int64_t>(stop, 0), size) : std::min<int64_t>(std::max<int64_t>(stop, -1), size - 1);
      }
      n = stride > 0 ? (stop > start ? (stop - start + stride - 1) / stride : 0)
                     : (start > stop ? (start - stop + (-stride) - 1) / (-stride) : 0);
      if ((shrink_mask & (1 << a)) && (start < 0 || start >= size)) return c.Fail("begin: index out of range on shrunk dimension %d", a);
    }
    p.out_dims[lead + a] = static_cast<int32_t>(n);
    p.in1_strides[lead + a] = in_strides[lead + a] * stride;
    if (n > 0) p.base_offset += start * in_strides[lead + a];
    total *= n;
  }
  if (out->Count() != total) return c.Fail("output: expected %lld elements, got %lld", (long long)total, (long long)out->Count());
  p.count = total;
  return true;
}

bool PrepareTranspose(Checker& c, Op& op) {
  OpParams& p = op.params;
  if (!c.Counts(2, 2, 1)) return false;
  const Tensor* in = c.In(0);
  const Tensor* perm = c.In(1);
  const Tensor* out = c.Out(0);
  if (!c.SameDtype(in, out, "output") || !c.ConstInt(perm, "perm")) return false;
  const int rank = in->rank;
  if (perm->Count() != rank || out->rank != rank) return c.Fail("perm: expected %d values and output rank %d", rank, rank);
  p.elem_size = DtypeSize(in->dtype);
  if (p.elem_size == 0) return c.Fail("input: unsupported dtype %d", in->dtype);
  int32_t in_dims[kMaxRank];
  int64_t in_strides[kMaxRank];
  Align(in, in_dims);
  Strides(in_dims, in_strides);
  const int lead = kMaxRank - rank;
  bool seen[kMaxRank] = {false};
  for (int d = 0; d < kMaxRank; ++d) {
    p.out_dims[d] = 1;
    p.in1_strides[d] = 0;
  }
  for (int d = 0; d < rank; ++d) {
    int64_t src = ConstIntAt(perm, d);
    if (src < 0) src += rank;
    if (src < 0 || src >= rank || seen[src]) return c.Fail("perm: not a permutation of 0..%d", rank - 1);
    seen[src] = true;
    if (out->dims[d] != in->dims[src]) return c.Fail("output: dimension %d is %d, expected %d", d, out->dims[d], in->dims[src]);
    p.out_dims[lead + d] = out->dims[d];
    p.in1_strides[lead + d] = in_strides[lead + src];
  }
  p.base_offset = 0;
  p.count = out->Count();
  return true;
}

bool PrepareQuantize(Checker& c, int mode, Op& op) {
  OpParams& p = op.params;
  if (!c.Counts(1, 1, 1)) return false;
  const Tensor* in = c.In(0);
  const Tensor* out = c.Out(0);
  if (in->Count() != out->Count()) return c.Fail("output: expected %lld elements, got %lld", (long long)in->Count(), (long long)out->Count());
  p.count = out->Count();
  if (op.builtin == kDequantize) {
    if (!c.Quant8(in, "input")) return false;
    if (out->dtype != kFloat32) return c.Fail("output: expected float32, got dtype %d", out->dtype);
    p.q_scale = static_cast<double>(in->Scale());
    p.in_zp = in->ZeroPoint();
    return true;
  }
  if (!c.Quant8(out, "output")) return false;
  if (out->scales.size() != 1) return c.Fail("output: per-channel QUANTIZE is not supported");
  p.out_zp = out->ZeroPoint();
  if (in->dtype == kFloat32) {
    p.q_scale = static_cast<double>(out->Scale());
    return true;
  }
  if (!c.Quant8(in, "input")) return false;
  p.in_zp = in->ZeroPoint();
  const double real = static_cast<double>(in->Scale()) / static_cast<double>(out->Scale());
  QuantizeMultiplier(real, &p.out_mult, &p.out_shift, mode == EDGERT_REQUANT_SINGLE);
  return true;
}

}  // namespace

int DtypeSize(int dtype) {
  switch (dtype) {
    case kFloat32:
    case kInt32:
      return 4;
    case kUInt8:
    case kInt8:
      return 1;
    case kInt64:
      return 8;
    case kInt16:
      return 2;
    default:
      return 0;
  }
}

bool PrepareOp(int mode, const std::vector<Tensor>& tensors, Op* op, std::string* error) {
  Checker c(tensors, *op, error);
  op->params = OpParams();
  op->params.requant = mode;
  bool ok;
  switch (op->builtin) {
    case kConv2d:
      ok = PrepareConv(c, mode, *op, false);
      break;
    case kDepthwiseConv2d:
      ok = PrepareConv(c, mode, *op, true);
      break;
    case kFullyConnected:
      ok = PrepareFc(c, mode, *op);
      break;
    case kAdd:
    case kSub:
    case kMul:
      ok = PrepareBinary(c, mode, *op);
      break;
    case kAveragePool2d:
    case kMaxPool2d:
      ok = PreparePool(c, *op);
      break;
    case kMean:
      ok = PrepareMean(c, mode, *op);
      break;
    case kSoftmax:
    case kLogistic:
    case kTanh:
    case kHardSwish:
    case kLeakyRelu:
    case kRelu:
    case kRelu6:
    case kReluN1To1:
      ok = PrepareActivation(c, mode, *op);
      break;
    case kReshape:
    case kSqueeze:
      ok = PrepareCopy(c, *op);
      break;
    case kConcatenation:
      ok = PrepareConcat(c, *op);
      break;
    case kPad:
    case kPadV2:
      ok = PreparePad(c, *op);
      break;
    case kStridedSlice:
      ok = PrepareStridedSlice(c, *op);
      break;
    case kTranspose:
      ok = PrepareTranspose(c, *op);
      break;
    case kQuantize:
    case kDequantize:
      ok = PrepareQuantize(c, mode, *op);
      break;
    default:
      return c.Fail("unsupported builtin operator %d", op->builtin);
  }
  if (!ok) return false;
  OpParams& p = op->params;
  if (p.in.empty()) {
    for (size_t i = 0; i < op->inputs.size(); ++i) {
      p.in.push_back(op->inputs[i] >= 0 ? tensors[op->inputs[i]].Ref() : TensorRef());
    }
  }
  for (int32_t o : op->outputs) p.out.push_back(tensors[o].Ref());
  return true;
}

}  // namespace edgert
