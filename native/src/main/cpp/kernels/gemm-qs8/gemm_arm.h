// Shared driver of the arm64 qs8 GEMM variants (4x8c4-neon.cc, 4x8c4-neondot.cc, 4x8c8-neoni8mm.cc): builds A
// (pack/gemm_pack_arm.h: x as int8, padded taps in_zp) 64 rows at a time into the plan-owned scratch, or reads the
// input in place when it already is A (FULLY_CONNECTED, and 1x1 stride-1 unpadded CONV_2D, with K a multiple of
// the variant's K group), walks tiles of 4 rows x 8 channels and calls the variant's tile function. Rows past the
// end of a tile repeat the last valid row (computed, not stored). Requantization: kernels/requant_neon.h.
#ifndef EDGERT_KERNELS_GEMM_QS8_GEMM_ARM_H_
#define EDGERT_KERNELS_GEMM_QS8_GEMM_ARM_H_

#include <string.h>

#include <algorithm>

#include "kernels/requant_neon.h"
#include "pack/gemm_pack.h"

namespace edgert {
namespace kernels {

struct ArmTile {
  const int8_t* a[4];  // the 4 rows of A (kpad elements each)
  int kpad;
  const int8_t* w;     // this 8-channel block of packed weights
  int n0, nvalid, mr;  // first channel, valid channels (1..8), valid rows (1..4)
  int8_t* c;           // output of row 0, channel n0
  int64_t ldc;
};
using ArmTileFn = void (*)(const OpParams& p, const ArmTile& t);

// Requantizes and stores the tile's accumulators (lo: channels n0..n0+3, hi: n0+4..n0+7, per row).
template <int MODE, bool U8>
static inline void FinishArmTile(const OpParams& p, const ArmTile& t, const int32x4_t* lo, const int32x4_t* hi) {
  const PackedGemm& g = p.gemm;
  const int32x4_t zp = vdupq_n_s32(p.out_zp), mn = vdupq_n_s32(p.act_min), mx = vdupq_n_s32(p.act_max);
  for (int r = 0; r < t.mr; ++r) {
    const int32x4_t v0 = RequantNeon<MODE>(lo[r], g, t.n0, zp, mn, mx);
    const int32x4_t v1 = RequantNeon<MODE>(hi[r], g, t.n0 + 4, zp, mn, mx);
    StoreBytesNeon(t.c + r * t.ldc, NarrowNeon<U8>(v0, v1), t.nvalid);
  }
}

// lda: bytes between rows of A; elem: bytes per A / W element (1: int8 layouts, 2: the qu8 int16 layout).
inline void GemmArm(const OpParams& p, const int8_t* a, int64_t lda, int rows, int8_t* c, ArmTileFn tile,
                    int elem = 1) {
  const PackedGemm& g = p.gemm;
  const int8_t* w = reinterpret_cast<const int8_t*>(g.w.data());
  ArmTile t;
  t.kpad = g.kpad;
  t.ldc = g.n;
  for (int m = 0; m < rows; m += 4) {
    t.mr = std::min(4, rows - m);
    for (int r = 0; r < 4; ++r) t.a[r] = a + std::min(m + r, rows - 1) * lda;
    for (int n0 = 0; n0 < g.n; n0 += 8) {
      t.w = w + static_cast<int64_t>(n0 / 8) * g.kpad * 8 * elem;
      t.n0 = n0;
      t.nvalid = std::min(8, g.n - n0);
      t.c = c + static_cast<int64_t>(m) * g.n + n0;
      tile(p, t);
    }
  }
}

inline ArmTileFn PickArmTile(const OpParams& p, ArmTileFn gemmlowp, ArmTileFn gemmlowp_up, ArmTileFn fp32) {
  if (p.requant == EDGERT_REQUANT_FP32) return fp32;
  return p.requant == EDGERT_REQUANT_GEMMLOWP_UP ? gemmlowp_up : gemmlowp;
}

struct CopyBytesArm {
  void operator()(int8_t* dst, const int8_t* src, int n) const { memcpy(dst, src, n); }
};
struct FillZpArm {
  int8_t zp;
  void operator()(int8_t* dst, int n) const { memset(dst, zp, n); }
};

inline void ConvGemmArm(const OpParams& p, uint8_t* arena, ArmTileFn tile) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  const bool direct = g.kpad == g.k && p.k_h == 1 && p.k_w == 1 && p.stride_h == 1 && p.stride_w == 1 &&
                      p.pad_h == 0 && p.pad_w == 0 && p.out_h == p.in_h && p.out_w == p.in_w;
  if (direct) {
    GemmArm(p, input, g.kpad, g.m, output, tile);
    return;
  }
  int8_t* a = reinterpret_cast<int8_t*>(g.scratch.data());
  for (int m0 = 0; m0 < g.m; m0 += g.rows_per_chunk) {
    const int rows = std::min(g.rows_per_chunk, g.m - m0);
    BuildConvRows<int8_t>(p, input, m0, rows, a, CopyBytesArm(), FillZpArm{static_cast<int8_t>(p.in_zp)});
    GemmArm(p, a, g.kpad, rows, output + static_cast<int64_t>(m0) * g.n, tile);
  }
}

inline void FcGemmArm(const OpParams& p, uint8_t* arena, ArmTileFn tile) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  if (g.kpad == g.k) {
    GemmArm(p, input, g.kpad, g.m, output, tile);
    return;
  }
  int8_t* a = reinterpret_cast<int8_t*>(g.scratch.data());
  for (int m0 = 0; m0 < g.m; m0 += g.rows_per_chunk) {
    const int rows = std::min(g.rows_per_chunk, g.m - m0);
    BuildFcRows<int8_t>(p, input, m0, rows, a, CopyBytesArm());
    GemmArm(p, a, g.kpad, rows, output + static_cast<int64_t>(m0) * g.n, tile);
  }
}

}  // namespace kernels
}  // namespace edgert

#endif  // EDGERT_KERNELS_GEMM_QS8_GEMM_ARM_H_
