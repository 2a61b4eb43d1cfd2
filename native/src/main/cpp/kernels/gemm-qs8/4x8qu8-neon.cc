// qu8 GEMM (uint8 activations and weights, any filter zero point), 4 rows x 8 channels per tile, baseline ARMv8-A
// NEON: uint8 CONV_2D (groups 1, im2col rows 64 at a time into the plan scratch) and FULLY_CONNECTED on layout
// kGemmArmI16Qu8 (pack/gemm_pack_arm.h): A = x - in_zp and W = w - filter_zp as int16, per K step one 8-channel
// weight vector times each row's element by lane (SMLAL / SMLAL2 by lane into int32; |a * w| <= 255 * 255: exact).
// Requantization: kernels/requant_neon.h (GEMMLOWP, GEMMLOWP_UP, FP32), unsigned store.
#include <string.h>

#include <algorithm>

#include "kernels/gemm-qs8/gemm_arm.h"
#include "kernels/gemm-qs8/gemm_qs8.h"
#include "pack/gemm_pack_arm.h"

namespace edgert {
namespace kernels {
namespace {

template <int MODE>
void Tile(const OpParams& p, const ArmTile& t) {
  const int16_t* a[4];
  for (int r = 0; r < 4; ++r) a[r] = reinterpret_cast<const int16_t*>(t.a[r]);
  const int16_t* w = reinterpret_cast<const int16_t*>(t.w);
  int32x4_t lo[4], hi[4];
  const int32x4_t b0 = vld1q_s32(p.gemm.bias.data() + t.n0);
  const int32x4_t b1 = vld1q_s32(p.gemm.bias.data() + t.n0 + 4);
  for (int r = 0; r < 4; ++r) {
    lo[r] = b0;
    hi[r] = b1;
  }
  for (int k = 0; k < t.kpad; k += 8, w += 64) {
    int16x8_t av[4];
    for (int r = 0; r < 4; ++r) av[r] = vld1q_s16(a[r] + k);
#define EDGERT_QU8_STEP(j)                                              \
  {                                                                     \
    const int16x8_t wv = vld1q_s16(w + 8 * (j));                        \
    for (int r = 0; r < 4; ++r) {                                       \
      lo[r] = vmlal_laneq_s16(lo[r], vget_low_s16(wv), av[r], j);       \
      hi[r] = vmlal_high_laneq_s16(hi[r], wv, av[r], j);                \
    }                                                                   \
  }
    EDGERT_QU8_STEP(0) EDGERT_QU8_STEP(1) EDGERT_QU8_STEP(2) EDGERT_QU8_STEP(3)
    EDGERT_QU8_STEP(4) EDGERT_QU8_STEP(5) EDGERT_QU8_STEP(6) EDGERT_QU8_STEP(7)
#undef EDGERT_QU8_STEP
  }
  FinishArmTile<MODE, true>(p, t, lo, hi);
}

ArmTileFn Pick(const OpParams& p) {
  return PickArmTile(p, Tile<EDGERT_REQUANT_GEMMLOWP>, Tile<EDGERT_REQUANT_GEMMLOWP_UP>, Tile<EDGERT_REQUANT_FP32>);
}

// A = x - in_zp as int16 from uint8 input (passed as int8_t* through the row builders), 8 at a time.
struct CopyU8I16Neon {
  int32_t zp;
  void operator()(int16_t* dst, const int8_t* src_s, int n) const {
    const uint8_t* src = reinterpret_cast<const uint8_t*>(src_s);
    const int16x8_t vzp = vdupq_n_s16(static_cast<int16_t>(zp));
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      vst1q_s16(dst + i, vsubq_s16(vreinterpretq_s16_u16(vmovl_u8(vld1_u8(src + i))), vzp));
    }
    for (; i < n; ++i) dst[i] = static_cast<int16_t>(src[i] - zp);
  }
};
struct FillZeroI16 {
  void operator()(int16_t* dst, int n) const { memset(dst, 0, static_cast<size_t>(n) * sizeof(int16_t)); }
};

// Rows of A (im2col for CONV_2D, input rows for FULLY_CONNECTED) as int16 x - in_zp, 64 at a time, then the tiles.
template <bool kConv>
void RunQu8(const OpParams& p, uint8_t* arena) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  int16_t* a = reinterpret_cast<int16_t*>(g.scratch.data());
  const ArmTileFn tile = Pick(p);
  for (int m0 = 0; m0 < g.m; m0 += g.rows_per_chunk) {
    const int rows = std::min(g.rows_per_chunk, g.m - m0);
    if (kConv) {
      BuildConvRows<int16_t>(p, input, m0, rows, a, CopyU8I16Neon{p.in_zp}, FillZeroI16());
    } else {
      BuildFcRows<int16_t>(p, input, m0, rows, a, CopyU8I16Neon{p.in_zp});
    }
    GemmArm(p, reinterpret_cast<const int8_t*>(a), g.kpad * 2, rows, output + static_cast<int64_t>(m0) * g.n, tile, 2);
  }
}

}  // namespace

void conv2d_qu8_gemm_4x8_neon(const OpParams& p, uint8_t* arena) { RunQu8<true>(p, arena); }
void fc_qu8_gemm_4x8_neon(const OpParams& p, uint8_t* arena) { RunQu8<false>(p, arena); }

void pack_gemm_qu8_conv_armi16(OpParams& p) { PackGemmArmConv(p, kGemmArmI16Qu8); }
void pack_gemm_qu8_fc_armi16(OpParams& p) { PackGemmArmFc(p, kGemmArmI16Qu8); }

}  // namespace kernels
}  // namespace edgert
