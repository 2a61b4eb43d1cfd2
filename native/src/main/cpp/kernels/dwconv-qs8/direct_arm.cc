// qs8 / qu8 DEPTHWISE_CONV_2D, direct, any depth multiplier, any kernel (up to kMaxDwTaps taps), stride, dilation
// and padding, baseline ARMv8-A NEON: per output pixel, 16 channels at a time, each tap's 16 input bytes widened to
// int16 (sign- or zero-extended; depth multiplier > 1: gathered
// to the output lanes by TBL) and multiplied into int32 by SMLAL / SMLAL2 with the int16 weights of PackDwArm /
// PackDwArmQu8 (pack/gemm_pack_arm.h: qs8 w, or qu8 w - filter_zp; |x * w| <= 255 * 255: exact). Padded taps read
// x = in_zp, which the bias correction cancels. Requantization: kernels/requant_neon.h (GEMMLOWP, GEMMLOWP_UP,
// FP32), bit-exact with ref/conv.cc.
#include <string.h>

#include <algorithm>

#include "kernels/dwconv-qs8/dwconv_qs8.h"
#include "kernels/requant_neon.h"
#include "pack/gemm_pack.h"

namespace edgert {
namespace kernels {
namespace {

// taps[t] = the input pixel of filter tap t for output (b, oy, ox), nullptr where padded.
inline void TapPointersArm(const OpParams& p, const int8_t* input, int b, int oy, int ox, const int64_t* off,
                           const int8_t** taps) {
  const int y0 = oy * p.stride_h - p.pad_h, x0 = ox * p.stride_w - p.pad_w;
  const int taps_n = p.k_h * p.k_w;
  if (y0 >= 0 && x0 >= 0 && y0 + (p.k_h - 1) * p.dil_h < p.in_h && x0 + (p.k_w - 1) * p.dil_w < p.in_w) {
    const int8_t* base = input + ((static_cast<int64_t>(b) * p.in_h + y0) * p.in_w + x0) * p.in_c;
    for (int t = 0; t < taps_n; ++t) taps[t] = base + off[t];
    return;
  }
  int t = 0;
  for (int fy = 0; fy < p.k_h; ++fy) {
    const int iy = y0 + fy * p.dil_h;
    for (int fx = 0; fx < p.k_w; ++fx) {
      const int ix = x0 + fx * p.dil_w;
      const bool inside = iy >= 0 && iy < p.in_h && ix >= 0 && ix < p.in_w;
      taps[t++] = inside ? input + ((static_cast<int64_t>(b) * p.in_h + iy) * p.in_w + ix) * p.in_c : nullptr;
    }
  }
}

template <bool U8>
inline void Widen(int8x16_t v, int16x8_t* lo, int16x8_t* hi) {
  if (U8) {
    const uint8x16_t u = vreinterpretq_u8_s8(v);
    *lo = vreinterpretq_s16_u16(vmovl_u8(vget_low_u8(u)));
    *hi = vreinterpretq_s16_u16(vmovl_high_u8(u));
  } else {
    *lo = vmovl_s8(vget_low_s8(v));
    *hi = vmovl_high_s8(v);
  }
}

// DM1: depth multiplier 1 (output channel = input channel). Otherwise output channel oc reads input channel
// oc / dm: the block's input bytes from c0 / dm on are loaded once per tap and TBL gathers them to the 16 output
// lanes with the table PackDwArm stored in g.scratch (oc / dm - c0 / dm, at most 15).
template <int MODE, bool U8, bool DM1>
void Dw16(const OpParams& p, uint8_t* arena) {
  const PackedGemm& g = p.gemm;
  const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
  int8_t* output = TensorData<int8_t>(p.out[0], arena);
  const int16_t* w = reinterpret_cast<const int16_t*>(g.w.data());
  const int taps = g.k, c = g.n, npad = g.npad, dm = p.depth_multiplier, in_c = p.in_c;
  const int32x4_t zp = vdupq_n_s32(p.out_zp), mn = vdupq_n_s32(p.act_min), mx = vdupq_n_s32(p.act_max);
  const int16x8_t vizp = vdupq_n_s16(static_cast<int16_t>(p.in_zp));
  const int8_t* tap[kMaxDwTaps];
  int64_t off[kMaxDwTaps];
  for (int fy = 0, t = 0; fy < p.k_h; ++fy) {
    for (int fx = 0; fx < p.k_w; ++fx) off[t++] = (static_cast<int64_t>(fy) * p.dil_h * p.in_w + fx * p.dil_w) * p.in_c;
  }
  for (int b = 0; b < p.batches; ++b) {
    for (int oy = 0; oy < p.out_h; ++oy) {
      for (int ox = 0; ox < p.out_w; ++ox) {
        TapPointersArm(p, input, b, oy, ox, off, tap);
        int8_t* out = output + ((static_cast<int64_t>(b) * p.out_h + oy) * p.out_w + ox) * c;
        for (int c0 = 0; c0 < c; c0 += 16) {
          const int nv = std::min(16, c - c0);
          const int ic0 = DM1 ? c0 : c0 / dm;
          const int nin = DM1 ? nv : std::min(16, in_c - ic0);  // input bytes the block may read
          const uint8x16_t gather = DM1 ? vdupq_n_u8(0) : vld1q_u8(g.scratch.data() + c0);
          int32x4_t acc0 = vld1q_s32(g.bias.data() + c0), acc1 = vld1q_s32(g.bias.data() + c0 + 4);
          int32x4_t acc2 = vld1q_s32(g.bias.data() + c0 + 8), acc3 = vld1q_s32(g.bias.data() + c0 + 12);
          const int16_t* wt = w + c0;
          for (int t = 0; t < taps; ++t, wt += npad) {
            int16x8_t xl = vizp, xh = vizp;
            if (tap[t] != nullptr) {
              int8x16_t v;
              if (nin == 16) {
                v = vld1q_s8(tap[t] + ic0);
              } else {
                int8_t tmp[16] = {0};
                memcpy(tmp, tap[t] + ic0, nin);
                v = vld1q_s8(tmp);
              }
              if (!DM1) v = vqtbl1q_s8(v, gather);
              Widen<U8>(v, &xl, &xh);
            }
            const int16x8_t wl = vld1q_s16(wt), wh = vld1q_s16(wt + 8);
            acc0 = vmlal_s16(acc0, vget_low_s16(xl), vget_low_s16(wl));
            acc1 = vmlal_high_s16(acc1, xl, wl);
            acc2 = vmlal_s16(acc2, vget_low_s16(xh), vget_low_s16(wh));
            acc3 = vmlal_high_s16(acc3, xh, wh);
          }
          const int8x8_t r0 = NarrowNeon<U8>(RequantNeon<MODE>(acc0, g, c0, zp, mn, mx), RequantNeon<MODE>(acc1, g, c0 + 4, zp, mn, mx));
          const int8x8_t r1 = NarrowNeon<U8>(RequantNeon<MODE>(acc2, g, c0 + 8, zp, mn, mx), RequantNeon<MODE>(acc3, g, c0 + 12, zp, mn, mx));
          if (nv == 16) {
            vst1q_s8(out + c0, vcombine_s8(r0, r1));
          } else {
            StoreBytesNeon(out + c0, r0, std::min(nv, 8));
            if (nv > 8) StoreBytesNeon(out + c0 + 8, r1, nv - 8);
          }
        }
      }
    }
  }
}

template <int MODE, bool U8>
void DwDm(const OpParams& p, uint8_t* arena) {
  if (p.depth_multiplier == 1) {
    Dw16<MODE, U8, true>(p, arena);
  } else {
    Dw16<MODE, U8, false>(p, arena);
  }
}

template <bool U8>
void DwMode(const OpParams& p, uint8_t* arena) {
  if (p.requant == EDGERT_REQUANT_FP32) {
    DwDm<EDGERT_REQUANT_FP32, U8>(p, arena);
  } else if (p.requant == EDGERT_REQUANT_GEMMLOWP_UP) {
    DwDm<EDGERT_REQUANT_GEMMLOWP_UP, U8>(p, arena);
  } else {
    DwDm<EDGERT_REQUANT_GEMMLOWP, U8>(p, arena);
  }
}

}  // namespace

void dwconv_qs8_direct_16c_neon(const OpParams& p, uint8_t* arena) { DwMode<false>(p, arena); }
void dwconv_qu8_direct_16c_neon(const OpParams& p, uint8_t* arena) { DwMode<true>(p, arena); }

}  // namespace kernels
}  // namespace edgert
