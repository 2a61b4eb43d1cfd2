// Weight packing for the arm64 variants (see gemm_pack_arm.h). The per-channel requant vectors come from
// pack/gemm_pack.cc's packers (kGemmI16C2 for the GEMM: 8-channel padding, bias without correction; PackDw for
// depthwise), whose weight buffer is then replaced by the arm layout, so the requant logic lives in one place.
#include "pack/gemm_pack_arm.h"

#include <string.h>

#include <algorithm>
#include <vector>

#include "pack/gemm_pack.h"

namespace edgert {
namespace {

constexpr int kRowsPerChunk = 64;  // multiple of the 4-row tiles

void RepackGemm(OpParams& p, GemmArmLayout layout) {
  PackedGemm& g = p.gemm;  // m, k, n, npad (multiple of 8), requant vectors and bias filled by PackGemm*
  const int8_t* w = static_cast<const int8_t*>(p.in[1].data);
  const int kr = layout;
  const int k = g.k, n = g.n;
  g.nr = 8;
  g.kpad = (k + kr - 1) / kr * kr;
  g.rows_per_chunk = std::min(kRowsPerChunk, g.m);
  g.w.assign(static_cast<size_t>(g.npad) * g.kpad, 0);
  for (int nb = 0; nb < g.npad / 8; ++nb) {
    for (int q = 0; q < g.kpad / kr; ++q) {
      for (int j = 0; j < 8; ++j) {
        for (int t = 0; t < kr; ++t) {
          const int ch = nb * 8 + j, kk = q * kr + t;
          const int8_t v = ch < n && kk < k ? w[static_cast<int64_t>(ch) * k + kk] : 0;
          g.w[((static_cast<int64_t>(nb) * (g.kpad / kr) + q) * 8 + j) * kr + t] = static_cast<uint8_t>(v);
        }
      }
    }
  }
  for (int ch = 0; ch < n; ++ch) {
    uint32_t sum = 0;
    for (int kk = 0; kk < k; ++kk) sum += static_cast<uint32_t>(static_cast<int32_t>(w[static_cast<int64_t>(ch) * k + kk]));
    g.bias[ch] = static_cast<int32_t>(static_cast<uint32_t>(g.bias[ch]) - static_cast<uint32_t>(p.in_zp) * sum);
  }
  // Rows of A (int8) for one chunk, plus 16 bytes so 16-byte loads at the last row's K tail stay inside.
  g.scratch.assign(static_cast<size_t>(g.rows_per_chunk) * g.kpad + 16, 0);
}

// qu8: requant vectors and bias (no correction) from the kGemmI16C2Qu8 packers, weights w - filter_zp as int16
// [nb][kpad][8].
void RepackGemmQu8(OpParams& p) {
  PackedGemm& g = p.gemm;
  const uint8_t* w = static_cast<const uint8_t*>(p.in[1].data);
  const int k = g.k, n = g.n;
  g.nr = 8;
  g.kpad = (k + 7) / 8 * 8;
  g.rows_per_chunk = std::min(kRowsPerChunk, g.m);
  g.w.assign(static_cast<size_t>(g.npad) * g.kpad * 2, 0);
  int16_t* out = reinterpret_cast<int16_t*>(g.w.data());
  for (int nb = 0; nb < g.npad / 8; ++nb) {
    for (int kk = 0; kk < k; ++kk) {
      for (int j = 0; j < 8; ++j) {
        const int ch = nb * 8 + j;
        if (ch < n) {
          out[(static_cast<int64_t>(nb) * g.kpad + kk) * 8 + j] =
              static_cast<int16_t>(static_cast<int32_t>(w[static_cast<int64_t>(ch) * k + kk]) - p.filter_zp);
        }
      }
    }
  }
  g.scratch.assign(static_cast<size_t>(g.rows_per_chunk) * g.kpad * 2 + 32, 0);
}

void ToInt16(PackedGemm& g) {
  const size_t n = g.w.size() / 4;
  AlignedVector<uint8_t> w16(n * 2);
  for (size_t i = 0; i < n; ++i) {
    int32_t v;
    memcpy(&v, g.w.data() + 4 * i, 4);
    const int16_t s = static_cast<int16_t>(v);  // qs8 w or qu8 w - filter_zp: in [-255, 255]
    memcpy(w16.data() + 2 * i, &s, 2);
  }
  g.w.swap(w16);
}

}  // namespace

void PackGemmArmConv(OpParams& p, GemmArmLayout layout) {
  if (layout == kGemmArmI16Qu8) {
    PackGemmConv(p, kGemmI16C2Qu8);
    RepackGemmQu8(p);
    return;
  }
  PackGemmConv(p, kGemmI16C2);
  RepackGemm(p, layout);
}

void PackGemmArmFc(OpParams& p, GemmArmLayout layout) {
  if (layout == kGemmArmI16Qu8) {
    PackGemmFc(p, kGemmI16C2Qu8);
    RepackGemmQu8(p);
    return;
  }
  PackGemmFc(p, kGemmI16C2);
  RepackGemm(p, layout);
}

// Depth multiplier > 1: g.scratch = per output channel oc its input channel's offset from the first input
// channel of oc's 16-channel block, oc / dm - (oc / 16 * 16) / dm (at most 15), the TBL indices of the kernel.
void GatherTable(OpParams& p) {
  PackedGemm& g = p.gemm;
  g.scratch.clear();
  const int dm = p.depth_multiplier;
  if (dm == 1) return;
  g.scratch.assign(g.npad, 0);
  for (int oc = 0; oc < g.npad; ++oc) g.scratch[oc] = static_cast<uint8_t>(oc / dm - (oc / 16 * 16) / dm);
}

void PackDwArm(OpParams& p) {
  PackDw(p);
  ToInt16(p.gemm);
  GatherTable(p);
}

void PackDwArmQu8(OpParams& p) {
  PackDwQu8(p);
  ToInt16(p.gemm);
  GatherTable(p);
}

}  // namespace edgert
