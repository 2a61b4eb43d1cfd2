// Weight packing for the qs8 GEMM variants (see gemm_pack.h).
#include "pack/gemm_pack.h"

#include <string.h>

#include <algorithm>
#include <vector>

namespace edgert {
namespace {

constexpr int kRowsPerChunk = 64;  // multiple of every variant's MR

bool ConstWeights(const OpParams& p) {
  if (p.in.size() < 2 || p.in[1].data == nullptr) return false;          // weights must be constant
  return !(p.has_bias && (p.in.size() < 3 || p.in[2].data == nullptr));
}

bool CommonApplies(const OpParams& p) { return ConstWeights(p) && p.filter_zp == 0; }

// uint8 weights and zero points: w - filter_zp and x - in_zp both lie in [-255, 255].
bool Qu8Applies(const OpParams& p) {
  return ConstWeights(p) && p.filter_zp >= 0 && p.filter_zp <= 255 && p.in_zp >= 0 && p.in_zp <= 255;
}

// Weight element i as the reference multiplies it: int8 as is, uint8 minus the filter zero point.
inline int32_t Weight(const OpParams& p, bool u8, int64_t i) {
  return u8 ? static_cast<int32_t>(static_cast<const uint8_t*>(p.in[1].data)[i]) - p.filter_zp
            : static_cast<int32_t>(static_cast<const int8_t*>(p.in[1].data)[i]);
}

// Per-channel requantization vectors of p (per-tensor values repeated), padded to g.npad; bias' = bias - corr.
void RequantVectors(OpParams& p, const int32_t* bias, const uint32_t* corr) {
  PackedGemm& g = p.gemm;
  g.bias.assign(g.npad, 0);
  g.mult.assign(g.npad, 0);
  g.left.assign(g.npad, 0);
  g.right.assign(g.npad, 0);
  g.rmask.assign(g.npad, 0);
  g.rhalf.assign(g.npad, 0);
  g.right_m1.assign(g.npad, -1);
  g.fscale.assign(g.npad, 0.0f);
  for (int ch = 0; ch < g.n; ++ch) {
    const uint32_t b = bias != nullptr ? static_cast<uint32_t>(bias[ch]) : 0u;
    g.bias[ch] = static_cast<int32_t>(b - corr[ch]);
    const int c = p.mult.size() == 1 ? 0 : ch;
    const int shift = p.shift[c];
    const int right = shift > 0 ? 0 : -shift;
    g.mult[ch] = p.mult[c];
    g.left[ch] = shift > 0 ? shift : 0;
    g.right[ch] = right;
    g.rmask[ch] = static_cast<int32_t>((1LL << right) - 1);
    g.rhalf[ch] = g.rmask[ch] >> 1;
    g.right_m1[ch] = right - 1;
    g.fscale[ch] = p.fscale[c];
  }
}

// Derived requant vectors, recomputed after any permutation of the per-channel ones.
void FinishRequantVectors(PackedGemm& g) {
  g.mult_odd.assign(g.mult.size(), 0);
  for (size_t i = 0; i + 1 < g.mult.size(); i += 2) g.mult_odd[i] = g.mult[i + 1];
  g.any_left = false;
  for (int32_t l : g.left) g.any_left |= l != 0;
  // GEMMLOWP_UP: floor((floor((p + 2^30) / 2^31) + 2^(e-1)) / 2^e) = floor((p + 2^30 + 2^(30+e)) / 2^(31+e))
  // (nested floor divisions by positive integers fold into one), so its two roundings are one 64-bit add and
  // arithmetic shift of the product p; |p| < 2^62, so nothing overflows.
  const size_t pairs = g.right.size() / 2;
  g.up_rc_even.assign(pairs, 0);
  g.up_rc_odd.assign(pairs, 0);
  g.up_sh_even.assign(pairs, 0);
  g.up_sh_odd.assign(pairs, 0);
  auto rc = [](int e) { return (int64_t{1} << 30) + (e > 0 ? int64_t{1} << (30 + e) : 0); };
  for (size_t j = 0; j < pairs; ++j) {
    const int e0 = g.right[2 * j], e1 = g.right[2 * j + 1];
    g.up_rc_even[j] = rc(e0);
    g.up_rc_odd[j] = rc(e1);
    g.up_sh_even[j] = 31 + e0;
    g.up_sh_odd[j] = 31 + e1;
  }
}

void Pack(OpParams& p, GemmLayout layout, int m, int k, int n) {
  PackedGemm& g = p.gemm;
  const bool u8 = layout == kGemmI16C2Qu8 || layout == kGemmI16C2x16Qu8 || layout == kGemmU8C4Qu8 ||
                  layout == kGemmU8C4K64Qu8;
  const bool amx = layout == kGemmS8C4K64 || layout == kGemmU8C4K64Qu8;
  const bool qu8_bytes = layout == kGemmU8C4Qu8 || layout == kGemmU8C4K64Qu8;  // W = w - 128, rows' sums of A
  const bool bytes = layout == kGemmU8C4 || qu8_bytes || amx;
  const int32_t* bias = p.has_bias ? static_cast<const int32_t*>(p.in[2].data) : nullptr;
  const int kr = bytes ? 4 : 2;
  g.m = m;
  g.k = k;
  g.n = n;
  g.a_sum_mult = qu8_bytes ? 128 - p.filter_zp : 0;
  g.nr = bytes || layout == kGemmI16C2x16Qu8 || layout == kGemmI16C2x16 ? 16 : 8;
  const int kalign = amx ? 64 : kr;
  g.kpad = (k + kalign - 1) / kalign * kalign;
  g.npad = (n + g.nr - 1) / g.nr * g.nr;
  g.rows_per_chunk = std::min(kRowsPerChunk, m);  // AMX: its pack sets its own chunks and scratch
  const int64_t elem = bytes ? 1 : 2;
  g.w.assign(static_cast<size_t>(g.npad) * g.kpad * elem, 0);
  for (int nb = 0; nb < g.npad / g.nr; ++nb) {
    for (int q = 0; q < g.kpad / kr; ++q) {
      for (int j = 0; j < g.nr; ++j) {
        for (int t = 0; t < kr; ++t) {
          const int ch = nb * g.nr + j, kk = q * kr + t;
          int32_t v = ch < n && kk < k ? Weight(p, u8, static_cast<int64_t>(ch) * k + kk) : 0;
          if (qu8_bytes && ch < n && kk < k) v += p.filter_zp - 128;  // w - 128
          const int64_t idx = ((static_cast<int64_t>(nb) * (g.kpad / kr) + q) * g.nr + j) * kr + t;
          if (bytes) {
            g.w[idx] = static_cast<uint8_t>(v);
          } else {
            const int16_t v16 = static_cast<int16_t>(v);
            memcpy(g.w.data() + idx * 2, &v16, 2);
          }
        }
      }
    }
  }
  std::vector<uint32_t> corr(n, 0);
  if (qu8_bytes) {
    for (int ch = 0; ch < n; ++ch) {
      uint32_t sum = 0;
      for (int kk = 0; kk < k; ++kk) sum += static_cast<uint32_t>(Weight(p, true, static_cast<int64_t>(ch) * k + kk));
      corr[ch] = static_cast<uint32_t>(p.in_zp) * sum;
    }
  }
  if (layout == kGemmU8C4 || layout == kGemmS8C4K64) {
    const uint32_t a_offset = layout == kGemmU8C4 ? 128 : 0;  // A = x + 128, or x itself
    for (int ch = 0; ch < n; ++ch) {
      uint32_t sum = 0;
      for (int kk = 0; kk < k; ++kk) sum += static_cast<uint32_t>(Weight(p, false, static_cast<int64_t>(ch) * k + kk));
      corr[ch] = (a_offset + static_cast<uint32_t>(p.in_zp)) * sum;
    }
  }
  RequantVectors(p, bias, corr.data());
  FinishRequantVectors(g);
  g.scratch.assign(static_cast<size_t>(g.rows_per_chunk) * g.kpad * elem + 64, 0);
}

}  // namespace

bool GemmConvApplies(const OpParams& p) {
  return CommonApplies(p) && p.filter_in_c == p.in_c && p.depth_multiplier == 1;
}

bool GemmFcApplies(const OpParams& p) { return CommonApplies(p); }

bool GemmConvQu8Applies(const OpParams& p) {
  return Qu8Applies(p) && p.filter_in_c == p.in_c && p.depth_multiplier == 1;
}

bool GemmFcQu8Applies(const OpParams& p) { return Qu8Applies(p); }

namespace {
bool AmxShape(const OpParams& p) {
  const int64_t k = static_cast<int64_t>(p.k_h) * p.k_w * p.in_c;
  return k >= kAmxMinDepth && static_cast<int64_t>(p.batches) * p.out_h * p.out_w >= kAmxMinRows &&
         (AmxPointwise(p) || k * p.out_c >= kAmxMinIm2colWork);
}
}  // namespace

bool AmxConvApplies(const OpParams& p) { return GemmConvApplies(p) && AmxShape(p); }
bool AmxConvQu8Applies(const OpParams& p) { return GemmConvQu8Applies(p) && AmxShape(p); }

void PackGemmConv(OpParams& p, GemmLayout layout) {
  Pack(p, layout, p.batches * p.out_h * p.out_w, p.k_h * p.k_w * p.in_c, p.out_c);
}

void PrepareDirectConv(OpParams& p, GemmLayout layout, uint8_t border) {
  PackedGemm& g = p.gemm;
  g.direct = false;
  g.padded.clear();
  // Channels per padded pixel: in_c, or 4 for fewer channels whose filter rows are not whole 4-byte groups (RGB
  // first layers: 3 -> 4, a third more multiply-adds instead of an im2col row per pixel).
  const int cpad = (p.k_w * p.in_c) % 4 == 0 ? p.in_c : p.in_c < 4 ? 4 : 0;
  if (p.dil_w != 1 || cpad == 0 || (p.k_w * cpad) % 4 != 0 || p.k_h * p.k_w == 1) return;
  const int64_t rows = std::max<int64_t>(p.in_h + p.pad_h, static_cast<int64_t>(p.out_h - 1) * p.stride_h +
                                                               static_cast<int64_t>(p.k_h - 1) * p.dil_h + 1);
  const int64_t cols = std::max<int64_t>(p.in_w + p.pad_w, static_cast<int64_t>(p.out_w - 1) * p.stride_w + p.k_w);
  const int64_t bytes = p.batches * rows * cols * cpad;
  if (bytes > (int64_t{64} << 20)) return;  // im2col chunks instead of a copy this large
  if (cpad != p.in_c) {
    // Repack with the filter [n][k_h][k_w][in_c] widened to cpad channels, zero weights in the added ones
    // (their input bytes then do not matter; the bias correction sums the same weights).
    const int taps = p.k_h * p.k_w, n = p.out_c;
    const uint8_t* w = static_cast<const uint8_t*>(p.in[1].data);
    std::vector<uint8_t> wide(static_cast<size_t>(n) * taps * cpad, 0);
    for (int64_t i = 0; i < static_cast<int64_t>(n) * taps; ++i) {
      memcpy(wide.data() + i * cpad, w + i * p.in_c, static_cast<size_t>(p.in_c));
    }
    const void* saved = p.in[1].data;
    p.in[1].data = wide.data();
    Pack(p, layout, p.batches * p.out_h * p.out_w, taps * cpad, n);
    p.in[1].data = saved;
  }
  if (g.kpad != g.k) return;  // cannot happen: k_w * cpad is a multiple of 4
  g.direct_c = cpad;
  g.direct_fill = border;
  g.pad_rows = static_cast<int>(rows);
  g.pad_cols = static_cast<int>(cols);
  g.padded.assign(static_cast<size_t>(bytes), border);
  g.direct = true;
}

void PackGemmFc(OpParams& p, GemmLayout layout) { Pack(p, layout, p.fc_batches, p.accum_depth, p.units); }

bool GemmDwApplies(const OpParams& p) { return CommonApplies(p) && p.in_c == 1 && p.out_c == p.depth_multiplier; }
bool GemmDwQu8Applies(const OpParams& p) { return Qu8Applies(p) && p.in_c == 1 && p.out_c == p.depth_multiplier; }

void PackGemmDw(OpParams& p, GemmLayout layout) {
  // Depthwise weights [1, kh, kw, C] read as a convolution's [C, kh, kw, 1]: transposed for Pack, which reads
  // p.in[1] as [N][K] (the constant itself is left untouched).
  const int taps = p.k_h * p.k_w, c = p.out_c;
  const uint8_t* w = static_cast<const uint8_t*>(p.in[1].data);
  std::vector<uint8_t> t(static_cast<size_t>(taps) * c);
  for (int ch = 0; ch < c; ++ch) {
    for (int k = 0; k < taps; ++k) t[static_cast<size_t>(ch) * taps + k] = w[static_cast<size_t>(k) * c + ch];
  }
  const void* saved = p.in[1].data;
  p.in[1].data = t.data();
  Pack(p, layout, p.batches * p.out_h * p.out_w, taps, c);
  p.in[1].data = saved;
}

bool DwApplies(const OpParams& p) {
  return CommonApplies(p) && p.depth_multiplier == 1 && p.k_h * p.k_w <= kMaxDwTaps;
}

bool DwQu8Applies(const OpParams& p) {
  return Qu8Applies(p) && p.depth_multiplier == 1 && p.k_h * p.k_w <= kMaxDwTaps;
}

// The AVX2 32c2 kernel: whole 16-channel groups only (AVX2 has no lane masks), at least 32 channels (below that
// PackDwC2 packs several pixels per block).
static bool DwC2Avx2Shape(const OpParams& p) { return p.out_c % 16 == 0 && p.out_c >= 32; }
bool DwC2Avx2Applies(const OpParams& p) { return DwApplies(p) && DwC2Avx2Shape(p); }
bool DwC2Avx2Qu8Applies(const OpParams& p) { return DwQu8Applies(p) && DwC2Avx2Shape(p); }

bool DwAnyDmApplies(const OpParams& p) {
  return CommonApplies(p) && p.depth_multiplier >= 1 && p.k_h * p.k_w <= kMaxDwTaps;
}

bool DwQu8AnyDmApplies(const OpParams& p) {
  return Qu8Applies(p) && p.depth_multiplier >= 1 && p.k_h * p.k_w <= kMaxDwTaps;
}

namespace {

void PackDwImpl(OpParams& p, bool u8) {
  PackedGemm& g = p.gemm;  // weights [1, kh, kw, C]
  const int32_t* bias = p.has_bias ? static_cast<const int32_t*>(p.in[2].data) : nullptr;
  const int taps = p.k_h * p.k_w;
  const int c = p.out_c;
  g.m = p.batches * p.out_h * p.out_w;
  g.k = taps;
  g.kpad = taps;
  g.n = c;
  g.nr = 16;
  g.npad = (c + 15) / 16 * 16;
  g.w.assign(static_cast<size_t>(taps) * g.npad * 4, 0);
  std::vector<uint32_t> corr(c, 0);
  for (int t = 0; t < taps; ++t) {
    for (int ch = 0; ch < c; ++ch) {
      const int32_t v = Weight(p, u8, static_cast<int64_t>(t) * c + ch);
      memcpy(g.w.data() + (static_cast<int64_t>(t) * g.npad + ch) * 4, &v, 4);
      corr[ch] += static_cast<uint32_t>(p.in_zp) * static_cast<uint32_t>(v);
    }
  }
  RequantVectors(p, bias, corr.data());
  FinishRequantVectors(g);
  // Depth multiplier > 1: per output channel oc, its input channel's position among the 8 input channels read for
  // oc's 8-channel block, (oc / dm) - (block start / dm) (at most 7); the kernel permutes with it.
  const int dm = p.depth_multiplier;
  g.scratch.clear();
  if (dm > 1) {
    g.scratch.assign(static_cast<size_t>(g.npad) * 4, 0);
    for (int oc = 0; oc < g.npad; ++oc) {
      const int32_t idx = oc / dm - (oc / 8 * 8) / dm;
      memcpy(g.scratch.data() + static_cast<size_t>(oc) * 4, &idx, 4);
    }
  }
}

// row_pairs: the pairs are (fx, fx + 1) within each filter row, ceil(k_w / 2) per row ([blk][fy][pair]), for
// the row-buffer kernels; else consecutive taps of the flattened filter ([blk][pair]).
void PackDwC2Impl(OpParams& p, bool u8, bool row_pairs) {
  PackDwImpl(p, u8);  // channel-order requant vectors and the bias correction, then permuted below
  PackedGemm& g = p.gemm;
  const int taps = g.k, c = g.n;
  const int row_pairs_n = (p.k_w + 1) / 2;
  const int pairs = row_pairs ? p.k_h * row_pairs_n : (taps + 1) / 2;
  // Tap (flattened) of element e of pair q, or -1 past the filter row / the last tap.
  auto tap_of = [&](int q, int e) {
    if (!row_pairs) return 2 * q + e < taps ? 2 * q + e : -1;
    const int fy = q / row_pairs_n, fx = 2 * (q % row_pairs_n) + e;
    return fx < p.k_w ? fy * p.k_w + fx : -1;
  };
  // Fewer than 32 channels dividing 32, stride 1 horizontally: one 32-lane block covers dw_pixels = 32 / c
  // neighbouring output pixels (their inputs, and outputs, are contiguous), lane v computing channel v % c; a
  // single pixel uses the block's first c lanes as the unreplicated layout would.
  g.dw_pixels = !row_pairs && p.stride_w == 1 && c < 32 && 32 % c == 0 ? 32 / c : 1;
  const int npad = (c + 31) / 32 * 32;
  // Position pos (within a 32-channel block: half * 16 + lane) holds channel 8 * (lane / 4) + 4 * half + lane % 4
  // (with dw_pixels > 1, that lane's channel modulo c).
  const int reps = g.dw_pixels;
  auto channel = [c, reps](int pos) {
    const int blk = pos / 32, half = (pos % 32) / 16, lane = pos % 16;
    const int v = blk * 32 + 8 * (lane / 4) + 4 * half + lane % 4;
    return reps > 1 ? v % c : v;
  };
  AlignedVector<uint8_t> packed(static_cast<size_t>(npad) * pairs * 2 * sizeof(int16_t), 0);
  int16_t* out = reinterpret_cast<int16_t*>(packed.data());
  for (int blk = 0; blk < npad / 32; ++blk) {
    for (int q = 0; q < pairs; ++q) {
      for (int half = 0; half < 2; ++half) {
        for (int lane = 0; lane < 16; ++lane) {
          const int ch = channel(blk * 32 + half * 16 + lane);
          for (int e = 0; e < 2; ++e) {
            const int t = tap_of(q, e);
            const int16_t v = static_cast<int16_t>(ch < c && t >= 0 ? Weight(p, u8, static_cast<int64_t>(t) * c + ch) : 0);
            out[(((static_cast<int64_t>(blk) * pairs + q) * 2 + half) * 16 + lane) * 2 + e] = v;
          }
        }
      }
    }
  }
  g.w.swap(packed);
  auto permute_i = [&](AlignedVector<int32_t>& v, int32_t fill) {
    AlignedVector<int32_t> r(npad, fill);
    for (int pos = 0; pos < npad; ++pos) {
      if (channel(pos) < c) r[pos] = v[channel(pos)];
    }
    v.swap(r);
  };
  permute_i(g.bias, 0);
  permute_i(g.mult, 0);
  permute_i(g.left, 0);
  permute_i(g.right, 0);
  permute_i(g.rmask, 0);
  permute_i(g.rhalf, 0);
  permute_i(g.right_m1, -1);
  AlignedVector<float> fs(npad, 0.0f);
  for (int pos = 0; pos < npad; ++pos) {
    if (channel(pos) < c) fs[pos] = g.fscale[channel(pos)];
  }
  g.fscale.swap(fs);
  g.npad = npad;
  g.nr = 32;
  FinishRequantVectors(g);
  if (row_pairs) g.scratch.assign(static_cast<size_t>(DwRowsScratchBytes(p)), 0);
}

}  // namespace

int DwRowBufferStep(const OpParams& p) { return p.stride_w % 2 == 0 ? 2 : 1; }
int64_t DwRowBufferPixels(const OpParams& p) {
  const int64_t span = static_cast<int64_t>(p.out_w - 1) * p.stride_w + p.k_w + 1;  // input pixels from -pad_w
  return (span + DwRowBufferStep(p) - 1) / DwRowBufferStep(p);
}
int64_t DwRowsScratchBytes(const OpParams& p) { return p.k_h * DwRowBufferPixels(p) * 128 + 64; }

// Not for dilation (the pairs are neighbouring pixels) or for fewer than 32 channels that the 32c2 kernel packs
// several pixels per vector for (it wastes fewer lanes there).
static bool DwRowsShapeApplies(const OpParams& p) {
  const int c = p.out_c;
  return p.dil_h == 1 && p.dil_w == 1 && !(p.stride_w == 1 && c < 32 && 32 % c == 0) &&
         DwRowsScratchBytes(p) <= (int64_t{8} << 20);
}
bool DwRowsApplies(const OpParams& p) { return DwApplies(p) && DwRowsShapeApplies(p); }
bool DwRowsQu8Applies(const OpParams& p) { return DwQu8Applies(p) && DwRowsShapeApplies(p); }

void PackDw(OpParams& p) { PackDwImpl(p, false); }
void PackDwQu8(OpParams& p) { PackDwImpl(p, true); }
void PackDwC2(OpParams& p) { PackDwC2Impl(p, false, false); }
void PackDwC2Qu8(OpParams& p) { PackDwC2Impl(p, true, false); }
void PackDwRows(OpParams& p) { PackDwC2Impl(p, false, true); }
void PackDwRowsQu8(OpParams& p) { PackDwC2Impl(p, true, true); }

}  // namespace edgert
