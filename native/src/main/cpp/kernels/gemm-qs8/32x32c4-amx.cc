// qs8 and qu8 CONV_2D (groups 1, deep and wide enough: pack/gemm_pack.h AmxConvApplies) on AMX-INT8 tiles
// (Sapphire Rapids and later): one tdpbssd / tdpbusd multiplies 16 rows x 64 bytes of A by 64 K values x 16
// channels of B into 16 x 16 int32 (16384 multiply-adds; a vpdpbusd does 64). qs8: signed x signed, layout
// kGemmS8C4K64; qu8: unsigned x (w - 128), layout kGemmU8C4K64Qu8 with each row's sum of A as in the VNNI kernel.
// Pointwise convolutions (1x1, stride 1, no padding) read A from the input itself: row m of the GEMM is pixel
// m's in_c bytes, loaded in place by tileloadd with stride in_c (a partial last tile pair, or K not a multiple of
// 64, is staged zero-padded in scratch first); other convolutions stage im2col rows per chunk (the VNNI GEMM's
// row builder, GemmDriver::ConvRows). The accumulators start at bias' (a stride-0 tile load of the bias row),
// are stored to the stack per 32 x 32 block and requantized by the VNNI kernels' Requant512: per-output arithmetic
// identical to every other variant's.
//
// The OS must grant the tile state first (Linux: arch_prctl(ARCH_REQ_XCOMP_PERM), done once in
// cpu/cpu_features.cc; without it the CPU feature is not reported and this variant is never bound: an AMX
// instruction without permission is a SIGILL).
#include <string.h>

#include <algorithm>

#include "kernels/gemm-qs8/gemm_driver.h"
#include "kernels/gemm-qs8/gemm_qs8.h"
#include "kernels/requant_x86.h"

#define EDGERT_AMX __attribute__((target("avx512f,avx512bw,avx512vl,avx512vnni,amx-tile,amx-int8")))

namespace edgert {
namespace kernels {
namespace {

constexpr int kTileRows = 16, kPairRows = 32, kBlock = 16;
// Rows per chunk: at most 128 (4 tile pairs), fewer for deep K so that a staged chunk stays within 128 KiB (L2),
// never more than the op's rows rounded up to a tile pair.
constexpr int kMaxChunkRows = 128;
int ChunkRows(int kpad, int m) {
  const int fit = std::max(kPairRows, std::min(kMaxChunkRows, (128 * 1024 / kpad) / kPairRows * kPairRows));
  return std::min(fit, (m + kPairRows - 1) / kPairRows * kPairRows);
}

// ldtilecfg's 64-byte operand, palette 1.
struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0;
  uint8_t reserved[14] = {};
  uint16_t colsb[16] = {};
  uint8_t rows[16] = {};
};

// The tile instructions as inline asm with the memory effects spelled out. GCC 12's <immintrin.h> wrappers
// declare none of them: _tile_loadconfig reads only 8 bytes of the configuration (the stores of the rest were
// dead-store-eliminated in one build: SIGILL on the first tileloadd), and _tile_loadd reads no memory at all (the
// staged rows' stores could move past it). "memory" orders every load, store and configuration against plain
// C++ memory accesses; the tile operands are immediates (%c: the number without '$').
inline void TileLoadConfig(const TileConfig& cfg) { __asm__ volatile("ldtilecfg %0" : : "m"(cfg) : "memory"); }
inline void TileRelease() { __asm__ volatile("tilerelease" : : : "memory"); }
template <int T>
inline void TileLoad(const void* base, int64_t stride) {
  __asm__ volatile("tileloadd (%0,%1,1), %%tmm%c2" : : "r"(base), "r"(stride), "i"(T) : "memory");
}
template <int T>
inline void TileStore(void* base, int64_t stride) {
  __asm__ volatile("tilestored %%tmm%c2, (%0,%1,1)" : : "r"(base), "r"(stride), "i"(T) : "memory");
}
// C += A . B in groups of 4 bytes: qu8 unsigned A x signed B (tdpbusd), qs8 signed x signed (tdpbssd).
template <bool QU8, int C, int A, int B>
inline void TileDot() {
  if constexpr (QU8) {
    __asm__ volatile("tdpbusd %%tmm%c2, %%tmm%c1, %%tmm%c0" : : "i"(C), "i"(A), "i"(B));
  } else {
    __asm__ volatile("tdpbssd %%tmm%c2, %%tmm%c1, %%tmm%c0" : : "i"(C), "i"(A), "i"(B));
  }
}

// The tiles of one task, all 16 rows x 64 bytes: 0-3 the int32 accumulators of 2 row tiles x 2 channel blocks
// (tile 2 * i + j), 4-5 A of the two row tiles, 6-7 B of the two blocks (16 K groups x 16 channels x 4 bytes, the
// kGemmU8C4 tile rows). Released at the end of the task: tilerelease puts the thread's tile state back to its
// init state, so context switches and signal frames do not carry 8 KiB of tiles between inferences.
class TileScope {
 public:
  TileScope() {
    TileConfig cfg;
    for (int t = 0; t < 8; ++t) {
      cfg.colsb[t] = 64;
      cfg.rows[t] = kTileRows;
    }
    TileLoadConfig(cfg);
  }
  ~TileScope() { TileRelease(); }
  TileScope(const TileScope&) = delete;
  TileScope& operator=(const TileScope&) = delete;
};

// The GemmDriver description whose ConvRows builds the staged im2col rows: A = the input bytes as they are
// (qs8 tdpbssd: x; qu8 tdpbusd: x), padded taps in_zp (qs8: bias' has -in_zp * sum(w); qu8: the reference's
// x - in_zp is 0 there and the row sums count in_zp, as kGemmU8C4Qu8's rows do).
struct ByteRows {
  typedef uint8_t A;
  typedef int8_t C;
  static constexpr int kMr = kPairRows, kNr = kBlock, kWBytes = 1;
  static constexpr bool kRowSums = false;
  static void Copy(uint8_t* dst, const int8_t* src, int n, const OpParams&) { memcpy(dst, src, static_cast<size_t>(n)); }
  static void Fill(uint8_t* dst, int n, const OpParams& p) {
    memset(dst, static_cast<uint8_t>(static_cast<int8_t>(p.in_zp)), static_cast<size_t>(n));
  }
};

template <bool QU8>
struct AmxGemm {
  // C[32][32] (row stride 32 int32) = bias' + A (MT row tiles of 16 rows, a_stride apart, kpad bytes) x B of NB
  // blocks (wblock bytes apart); with MT = 1 the second 16 rows of c are left as they were. The tile ids are
  // immediates, hence MT and NB as template parameters.
  template <int MT, int NB>
  EDGERT_AMX static void TilePair(const uint8_t* a, int64_t a_stride, const int8_t* w, int64_t wblock,
                                  const int32_t* bias, int kpad, int32_t* c) {
    TileLoad<0>(bias, 0);  // stride 0: every row of the accumulator starts as the bias row
    if (NB == 2) TileLoad<1>(bias + kBlock, 0);
    if (MT == 2) TileLoad<2>(bias, 0);
    if (MT == 2 && NB == 2) TileLoad<3>(bias + kBlock, 0);
    const uint8_t* a1 = a + kTileRows * a_stride;
    for (int k = 0; k < kpad; k += 64) {
      TileLoad<4>(a + k, a_stride);
      if (MT == 2) TileLoad<5>(a1 + k, a_stride);
      TileLoad<6>(w + 16 * k, 64);  // K groups k / 4 .. k / 4 + 15 of the block, 64 bytes each
      TileDot<QU8, 0, 4, 6>();
      if (MT == 2) TileDot<QU8, 2, 5, 6>();
      if (NB == 2) {
        TileLoad<7>(w + wblock + 16 * k, 64);
        TileDot<QU8, 1, 4, 7>();
        if (MT == 2) TileDot<QU8, 3, 5, 7>();
      }
    }
    constexpr int kStride = 2 * kBlock * 4;  // bytes per row of c
    TileStore<0>(c, kStride);
    if (NB == 2) TileStore<1>(c + kBlock, kStride);
    if (MT == 2) TileStore<2>(c + kTileRows * 2 * kBlock, kStride);
    if (MT == 2 && NB == 2) TileStore<3>(c + kTileRows * 2 * kBlock + kBlock, kStride);
  }
  typedef void (*TilePairFn)(const uint8_t* a, int64_t a_stride, const int8_t* w, int64_t wblock,
                             const int32_t* bias, int kpad, int32_t* c);
  static constexpr TilePairFn kTilePairs[2][2] = {{&TilePair<1, 1>, &TilePair<1, 2>}, {&TilePair<2, 1>, &TilePair<2, 2>}};

  // Rows [r0, r1) x channel blocks [nb0, nb1) of one task: per chunk of up to g.rows_per_chunk rows, the block
  // pairs outer and the 32-row tile pairs inner, so a block pair's weights (32 x kpad bytes) stay in L1 while the
  // chunk's A (at most 128 KiB: ChunkRows) comes from L2.
  template <int MODE>
  EDGERT_AMX static void Task(const OpParams& p, const uint8_t* input, int8_t* output, uint8_t* scratch, int64_t r0,
                              int64_t r1, int nb0, int nb1) {
    const PackedGemm& g = p.gemm;
    const TileScope tiles;
    alignas(64) int32_t c[kPairRows * 2 * kBlock];
    int32_t rowsum[kMaxChunkRows];
    const int8_t* w = reinterpret_cast<const int8_t*>(g.w.data());
    const int64_t wblock = static_cast<int64_t>(g.kpad) * kBlock;
    // In place: pointwise with K a multiple of 64, every pair but a partial last one (staged alone). Otherwise
    // each chunk is staged: im2col rows (padded taps = in_zp, as the bias correction assumes) or the pixels with K
    // zero-padded to kpad, rows zero up to whole tile pairs.
    const bool pointwise = AmxPointwise(p), in_place = pointwise && g.k == g.kpad;
    for (int64_t m0 = r0; m0 < r1; m0 += g.rows_per_chunk) {
      const int rows = static_cast<int>(std::min<int64_t>(g.rows_per_chunk, r1 - m0));
      const int padded_rows = (rows + kPairRows - 1) / kPairRows * kPairRows;
      const uint8_t* a = input + m0 * g.k;  // pointwise: row m is pixel m
      int64_t stride = g.k;
      const int tail = rows % kPairRows, tail_mt = rows - tail;  // a partial last pair: rows tail_mt..
      if (in_place) {
        if (tail != 0) {
          memcpy(scratch, a + static_cast<int64_t>(tail_mt) * g.k, static_cast<size_t>(tail) * g.k);
          memset(scratch + static_cast<int64_t>(tail) * g.k, 0, static_cast<size_t>(kPairRows - tail) * g.k);
        }
      } else {
        const int8_t* in8 = reinterpret_cast<const int8_t*>(input);
        if (pointwise) {  // pixel m is row m: FULLY_CONNECTED's row builder
          BuildFcRows<uint8_t>(p, in8, static_cast<int>(m0), rows, scratch, GemmDriver<ByteRows>::Copier{p});
        } else {
          GemmDriver<ByteRows>::ConvRows(p, in8, static_cast<int>(m0), rows, scratch);
        }
        memset(scratch + static_cast<int64_t>(rows) * g.kpad, 0, static_cast<size_t>(padded_rows - rows) * g.kpad);
        a = scratch;
        stride = g.kpad;
      }
      // A of the pair at row mt of the chunk
      auto pair_rows = [&](int mt) { return in_place && mt == tail_mt ? scratch : a + mt * stride; };
      if (QU8) {
        for (int r = 0; r < rows; ++r) rowsum[r] = ByteSum512(pair_rows(r - r % kPairRows) + (r % kPairRows) * stride, g.k);
      }
      for (int nb = nb0; nb < nb1; nb += 2) {
        const int nbk = std::min(2, nb1 - nb), n0 = nb * kBlock;
        for (int mt = 0; mt < rows; mt += kPairRows) {
          const int valid_rows = std::min(kPairRows, rows - mt);
          kTilePairs[valid_rows > kTileRows ? 1 : 0][nbk - 1](pair_rows(mt), stride, w + nb * wblock, wblock,
                                                             g.bias.data() + n0, g.kpad, c);
          for (int j = 0; j < nbk; ++j) {
            const int nvalid = g.n - (n0 + kBlock * j);
            const __mmask16 store_mask =
                nvalid >= kBlock ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << nvalid) - 1);
            const Requant512<MODE> rq(g, n0 + kBlock * j, p);
            for (int r = 0; r < valid_rows; ++r) {
              __m512i acc = _mm512_load_si512(c + r * 2 * kBlock + kBlock * j);
              if (QU8) {
                const uint32_t t = static_cast<uint32_t>(g.a_sum_mult) * static_cast<uint32_t>(rowsum[mt + r]);  // wrapping
                acc = _mm512_add_epi32(acc, _mm512_set1_epi32(static_cast<int32_t>(t)));
              }
              _mm_mask_storeu_epi8(output + (m0 + mt + r) * g.n + n0 + kBlock * j, store_mask,
                                   _mm512_cvtepi32_epi8(rq.Apply(acc)));
            }
          }
        }
      }
    }
  }

  template <int MODE>
  static void RunMode(const OpParams& p, uint8_t* arena) {
    const PackedGemm& g = p.gemm;
    const uint8_t* input = TensorData<const uint8_t>(p.in[0], arena);
    int8_t* output = TensorData<int8_t>(p.out[0], arena);
    const int64_t work = static_cast<int64_t>(g.m) * g.n * g.k;
    const GemmTasks t = SplitGemm(g, UsableThreads(p, work), kPairRows, kBlock);
    ParallelFor(p, t.rows.parts * t.chans.parts, work, [&](int worker, int task) {
      const int rt = t.chans.parts == 1 ? task : task / t.chans.parts, ct = t.chans.parts == 1 ? 0 : task % t.chans.parts;
      Task<MODE>(p, input, output, WorkerScratch(p, worker), t.rows.Begin(rt), t.rows.End(rt),
                 static_cast<int>(t.chans.Begin(ct)), static_cast<int>(t.chans.End(ct)));
    });
  }
  static void Run(const OpParams& p, uint8_t* arena) {
    if (p.requant == EDGERT_REQUANT_FP32) {
      RunMode<EDGERT_REQUANT_FP32>(p, arena);
    } else if (p.requant == EDGERT_REQUANT_GEMMLOWP_UP) {
      RunMode<EDGERT_REQUANT_GEMMLOWP_UP>(p, arena);
    } else {
      RunMode<EDGERT_REQUANT_GEMMLOWP>(p, arena);
    }
  }
};

}  // namespace

void conv2d_qs8_gemm_32x32c4_amx(const OpParams& p, uint8_t* arena) { AmxGemm<false>::Run(p, arena); }
void conv2d_qu8_gemm_32x32c4_amx(const OpParams& p, uint8_t* arena) { AmxGemm<true>::Run(p, arena); }
namespace {
// PackGemmConv, then the chunk size and a scratch for what Task stages: one tile pair in place, else a chunk.
void PackAmxConv(OpParams& p, GemmLayout layout) {
  PackGemmConv(p, layout);
  PackedGemm& g = p.gemm;
  g.rows_per_chunk = ChunkRows(g.kpad, g.m);
  const int staged = AmxPointwise(p) && g.k == g.kpad ? kPairRows : g.rows_per_chunk;
  g.scratch.assign(static_cast<size_t>(staged) * g.kpad, 0);
}
}  // namespace

void pack_gemm_qs8_conv_amx(OpParams& p) { PackAmxConv(p, kGemmS8C4K64); }
void pack_gemm_qu8_conv_amx(OpParams& p) { PackAmxConv(p, kGemmU8C4K64Qu8); }

}  // namespace kernels
}  // namespace edgert
