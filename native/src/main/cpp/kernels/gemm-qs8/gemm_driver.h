// The one driver of the GEMM variants (CONV_2D via im2col rows, FULLY_CONNECTED): requant-mode dispatch, M-tile
// dispatch, row building into per-worker scratch and the split of the output into parallel tasks. A variant only
// supplies a microkernel description K (the ISA files in this folder):
//
//   struct K {
//     typedef ... A;            // element of A rows in scratch (uint8_t, int16_t)
//     typedef ... C;            // output element (int8_t, uint8_t)
//     static constexpr int kMr, kNr, kWBytes;  // rows / channels per tile, bytes per packed weight
//     static constexpr bool kRowSums;          // Tile needs each row's sum of A (rowsum[r], via RowSum)
//     template <int MR, int MODE> static void Tile(const A* a, int kpad, const void* w, const PackedGemm& g,
//                                                 int n0, int nvalid, const OpParams& p, C* c, int64_t c_stride,
//                                                 const int32_t* rowsum);
//     static void Copy(A* dst, const int8_t* src, int n, const OpParams& p);  // n input values -> A
//     // optional: one row over NB (1..kRow1Blocks) column blocks, wblock bytes apart, at once (batch-1 FC)
//     // optional: tiles over NB (1, 2) column blocks wblock bytes apart, rows row_stride apart, K in segs
//     // segments seg_stride apart (Block's im2col rows: one segment); kDirect: also the direct convolution
//     static constexpr bool kSegTiles, kDirect;
//     template <int MR, int NB, int MODE> static void TileDirect(const A* a, int64_t row_stride, int segs,
//         int64_t seg_stride, int seg_k4, const void* w, int64_t wblock, const PackedGemm& g, int n0,
//         const OpParams& p, C* c, int64_t c_stride, const int32_t* rowsum);
//     static constexpr int kRow1Blocks;
//     template <int NB, int MODE> static void Row1(const A* a, int kpad, const void* w, int64_t wblock,
//                                                 const PackedGemm& g, int n0, const OpParams& p, C* c,
//                                                 const int32_t* rowsum);
//     static void Fill(A* dst, int n, const OpParams& p);                     // n padded taps
//     // optional: count interior im2col rows (dst_step apart) of windows src_step apart in the input: each window
//     // is rows spans of span input values, src_stride apart, written back to back (without it: K::Copy per span)
//     static void CopyWindow(A* dst, int64_t dst_step, const int8_t* src, int64_t src_step, int count, int rows,
//                            int span, int64_t src_stride, const OpParams& p);
//   };
//
// Tile, Copy and Fill carry the ISA's target attribute; this driver is plain C++ and only calls them (the
// per-tile call is amortized over MR x NR x K multiply-adds).
//
// Parallel split: rows in tasks of whole MR tiles; when the rows are too few for every thread (small late
// layers, FULLY_CONNECTED with batch 1) also the output channels in blocks of NR. Every output element is computed
// by exactly one task, in the same order whatever the split, so results do not depend on the thread count.
#ifndef EDGERT_KERNELS_GEMM_QS8_GEMM_DRIVER_H_
#define EDGERT_KERNELS_GEMM_QS8_GEMM_DRIVER_H_

#include <algorithm>
#include <array>
#include <cstring>
#include <type_traits>
#include <utility>

#include "edgert/plan.h"
#include "pack/gemm_pack.h"
#include "plan/parallel.h"

namespace edgert {
namespace kernels {

constexpr int kMaxRowsPerChunk = 64;  // PackedGemm::rows_per_chunk is at most this (pack/gemm_pack.cc)
constexpr int kEdgeBytes = 1024;      // edge windows up to this many taps x channels are gathered on the stack

// K::kRow1Blocks when the variant has a one-row kernel over several column blocks (K::Row1), else 1.
template <class T, class = void>
struct Row1BlocksOf : std::integral_constant<int, 1> {};
template <class T>
struct Row1BlocksOf<T, std::void_t<decltype(T::kRow1Blocks)>> : std::integral_constant<int, T::kRow1Blocks> {};
// K::kSegTiles when the variant has segmented tiles over 1 or 2 column blocks (K::TileDirect), else false;
// K::kDirect when they also run the direct convolution (pack: PrepareDirectConv).
template <class T, class = void>
struct SegTilesOf : std::false_type {};
template <class T>
struct SegTilesOf<T, std::void_t<decltype(T::kSegTiles)>> : std::bool_constant<T::kSegTiles> {};
// K::CopyWindow when the variant has its own (runs of windows in one call), else the driver's span-by-span loop.
template <class T, class = void>
struct HasCopyWindow : std::false_type {};
template <class T>
struct HasCopyWindow<T, std::void_t<decltype(&T::CopyWindow)>> : std::true_type {};
template <class T, class = void>
struct DirectOf : std::false_type {};
template <class T>
struct DirectOf<T, std::void_t<decltype(T::kDirect)>> : std::bool_constant<T::kDirect> {};

// The output pixel (batch b, row oy, column ox) of GEMM row m (NHWC order), stepped along the rows of A.
struct PixelCursor {
  int b, oy, ox;
  PixelCursor(const OpParams& p, int64_t m)
      : b(static_cast<int>(m / (static_cast<int64_t>(p.out_h) * p.out_w))),
        oy(static_cast<int>(m % (static_cast<int64_t>(p.out_h) * p.out_w)) / p.out_w),
        ox(static_cast<int>(m % p.out_w)) {}
  // n more pixels, at most the rest of the current output row
  void Advance(const OpParams& p, int n) {
    ox += n;
    if (ox == p.out_w) {
      ox = 0;
      if (++oy == p.out_h) {
        oy = 0;
        ++b;
      }
    }
  }
};

// The parallel tasks of a GEMM: rows in tasks of whole mr-row tiles, up to 4 per thread; channel blocks of nr too
// when the rows are too few for 2 tasks per thread overall; one task for one thread (no split, no divisions).
struct GemmTasks {
  Split rows, chans;  // task t: rows part t / chans.parts, channel-block part t % chans.parts
};
inline GemmTasks SplitGemm(const PackedGemm& g, int threads, int mr, int nr) {
  const int nblocks = (g.n + nr - 1) / nr;
  if (threads == 1) return {SplitRange(g.m, 1, 1, g.m), SplitRange(nblocks, 1, 1, nblocks)};
  const Split rows = SplitRange(g.m, 4 * threads, mr, mr);
  return {rows, rows.parts >= 2 * threads ? SplitRange(nblocks, 1, 1, nblocks)
                                          : SplitRange(nblocks, (2 * threads + rows.parts - 1) / rows.parts, 1, 1)};
}

template <class K>
struct GemmDriver {
  typedef typename K::A A;
  typedef typename K::C C;
  typedef void (*TileFn)(const A* a, int kpad, const void* w, const PackedGemm& g, int n0, int nvalid,
                         const OpParams& p, C* c, int64_t c_stride, const int32_t* rowsum);

  // Tiles[MODE index][mr - 1].
  template <int MODE, size_t... I>
  static constexpr std::array<TileFn, sizeof...(I)> MakeTiles(std::index_sequence<I...>) {
    return {{&K::template Tile<static_cast<int>(I) + 1, MODE>...}};
  }
  static const TileFn* TilesFor(int mode) {
    static constexpr std::array<TileFn, K::kMr> kGemmlowp =
        MakeTiles<EDGERT_REQUANT_GEMMLOWP>(std::make_index_sequence<K::kMr>());
    static constexpr std::array<TileFn, K::kMr> kUp =
        MakeTiles<EDGERT_REQUANT_GEMMLOWP_UP>(std::make_index_sequence<K::kMr>());
    static constexpr std::array<TileFn, K::kMr> kFp32 =
        MakeTiles<EDGERT_REQUANT_FP32>(std::make_index_sequence<K::kMr>());
    return mode == EDGERT_REQUANT_FP32 ? kFp32.data() : mode == EDGERT_REQUANT_GEMMLOWP_UP ? kUp.data()
                                                                                          : kGemmlowp.data();
  }

  static constexpr int kRow1Blocks = Row1BlocksOf<K>::value;
  typedef void (*Row1Fn)(const A* a, int kpad, const void* w, int64_t wblock, const PackedGemm& g, int n0,
                         const OpParams& p, C* c, const int32_t* rowsum);
  // Row1s[MODE index][nb - 1] (kRow1Blocks > 1 only).
  template <int MODE, size_t... I>
  static constexpr std::array<Row1Fn, sizeof...(I)> MakeRow1s(std::index_sequence<I...>) {
    return {{&K::template Row1<static_cast<int>(I) + 1, MODE>...}};
  }
  static const Row1Fn* Row1sFor(int mode) {
    if constexpr (kRow1Blocks > 1) {
      static constexpr std::array<Row1Fn, kRow1Blocks> kGemmlowp =
          MakeRow1s<EDGERT_REQUANT_GEMMLOWP>(std::make_index_sequence<kRow1Blocks>());
      static constexpr std::array<Row1Fn, kRow1Blocks> kUp =
          MakeRow1s<EDGERT_REQUANT_GEMMLOWP_UP>(std::make_index_sequence<kRow1Blocks>());
      static constexpr std::array<Row1Fn, kRow1Blocks> kFp32 =
          MakeRow1s<EDGERT_REQUANT_FP32>(std::make_index_sequence<kRow1Blocks>());
      return mode == EDGERT_REQUANT_FP32 ? kFp32.data() : mode == EDGERT_REQUANT_GEMMLOWP_UP ? kUp.data()
                                                                                            : kGemmlowp.data();
    }
    return nullptr;
  }

  // Rows [m0, m0 + rows) of A are in a; channel blocks [nb0, nb1) of C.
  static void Block(const OpParams& p, const TileFn* tiles, const A* a, const int32_t* rowsum, int m0, int rows,
                    int nb0, int nb1, C* output) {
    const PackedGemm& g = p.gemm;
    const uint8_t* w = g.w.data();
    const int64_t wblock = static_cast<int64_t>(g.kpad) * K::kNr * K::kWBytes;
    const SegTileFn* seg_tiles = SegTilesFor(p.requant);
    for (int m = 0; m < rows; m += K::kMr) {
      const int mr = std::min(K::kMr, rows - m);
      const TileFn tile = tiles[mr - 1];
      const A* am = a + static_cast<int64_t>(m) * g.kpad;
      C* cm = output + static_cast<int64_t>(m0 + m) * g.n;
      if (kSegTiles && mr > 1) {  // rows of scratch: one segment
        SegBlocks(p, seg_tiles, am, g.kpad, 1, 0, g.kpad / 4, mr, nb0, nb1, cm, rowsum + m);
        continue;
      }
      if (kRow1Blocks > 1 && mr == 1) {  // a lone row: several column blocks per call
        const Row1Fn* row1s = Row1sFor(p.requant);
        for (int nb = nb0; nb < nb1; nb += kRow1Blocks) {
          const int nbk = std::min(kRow1Blocks, nb1 - nb);
          row1s[nbk - 1](am, g.kpad, w + nb * wblock, wblock, g, nb * K::kNr, p, cm + nb * K::kNr, rowsum + m);
        }
        continue;
      }
      for (int nb = nb0; nb < nb1; ++nb) {
        const int n0 = nb * K::kNr;
        tile(am, g.kpad, w + nb * wblock, g, n0, std::min(K::kNr, g.n - n0), p, cm + n0, g.n, rowsum + m);
      }
    }
  }

  static constexpr bool kSegTiles = SegTilesOf<K>::value;
  static constexpr bool kDirect = DirectOf<K>::value;
  typedef void (*SegTileFn)(const A* a, int64_t row_stride, int segs, int64_t seg_stride, int seg_k4,
                            const void* w, int64_t wblock, const PackedGemm& g, int n0, const OpParams& p, C* c,
                            int64_t c_stride, const int32_t* rowsum);
  // SegTiles[MODE index][(nb - 1) * kMr + mr - 1].
  template <int MODE, size_t... I>
  static constexpr std::array<SegTileFn, sizeof...(I)> MakeSegTiles(std::index_sequence<I...>) {
    return {{&K::template TileDirect<static_cast<int>(I) % K::kMr + 1, static_cast<int>(I) / K::kMr + 1, MODE>...}};
  }
  static const SegTileFn* SegTilesFor(int mode) {
    if constexpr (kSegTiles) {
      static constexpr std::array<SegTileFn, 2 * K::kMr> kGemmlowp =
          MakeSegTiles<EDGERT_REQUANT_GEMMLOWP>(std::make_index_sequence<2 * K::kMr>());
      static constexpr std::array<SegTileFn, 2 * K::kMr> kUp =
          MakeSegTiles<EDGERT_REQUANT_GEMMLOWP_UP>(std::make_index_sequence<2 * K::kMr>());
      static constexpr std::array<SegTileFn, 2 * K::kMr> kFp32 =
          MakeSegTiles<EDGERT_REQUANT_FP32>(std::make_index_sequence<2 * K::kMr>());
      return mode == EDGERT_REQUANT_FP32 ? kFp32.data() : mode == EDGERT_REQUANT_GEMMLOWP_UP ? kUp.data()
                                                                                            : kGemmlowp.data();
    }
    return nullptr;
  }
  // Column blocks [nb0, nb1) of mr rows through the segmented tiles, two blocks per call where possible.
  static void SegBlocks(const OpParams& p, const SegTileFn* tiles, const A* a, int64_t row_stride, int segs,
                        int64_t seg_stride, int seg_k4, int mr, int nb0, int nb1, C* c, const int32_t* rowsum) {
    const PackedGemm& g = p.gemm;
    const int64_t wblock = static_cast<int64_t>(g.kpad) * K::kNr * K::kWBytes;
    for (int nb = nb0; nb < nb1; nb += 2) {
      const int nbk = std::min(2, nb1 - nb);
      tiles[(nbk - 1) * K::kMr + mr - 1](a, row_stride, segs, seg_stride, seg_k4, g.w.data() + nb * wblock, wblock,
                                          g, nb * K::kNr, p, c + nb * K::kNr, g.n, rowsum);
    }
  }

  typedef GemmTasks Tasks;
  static Tasks SplitTasks(const PackedGemm& g, int threads) { return SplitGemm(g, threads, K::kMr, K::kNr); }

  // The direct convolution (g.direct): the input is copied (K::Copy, as A) into the interior of g.padded, whose
  // border pack filled; then each tile of up to kMr neighbouring pixels of one output row reads its k_h filter-row
  // segments in place, no im2col rows. Same split as Run, same per-output arithmetic.
  static void RunDirect(const OpParams& p, uint8_t* arena) {
    const PackedGemm& g = p.gemm;
    const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
    C* output = TensorData<C>(p.out[0], arena);
    A* padded = reinterpret_cast<A*>(g.padded.data());
    const int64_t cols = g.pad_cols, in_c = g.direct_c, row_bytes = static_cast<int64_t>(p.in_w) * p.in_c;
    for (int b = 0; b < p.batches; ++b) {
      for (int y = 0; y < p.in_h; ++y) {
        A* dst = padded + ((static_cast<int64_t>(b) * g.pad_rows + y + p.pad_h) * cols + p.pad_w) * in_c;
        const int8_t* src = input + (static_cast<int64_t>(b) * p.in_h + y) * row_bytes;
        if (in_c == p.in_c) {
          K::Copy(dst, src, static_cast<int>(row_bytes), p);
        } else {
          K::CopyExpand(dst, src, p.in_w, p.in_c, g.direct_fill);
        }
      }
    }
    const SegTileFn* tiles = SegTilesFor(p.requant);
    const int64_t work = static_cast<int64_t>(g.m) * g.n * g.k;
    const Tasks t = SplitTasks(g, UsableThreads(p, work));
    const Split &rows = t.rows, &chans = t.chans;
    const int64_t row_stride = static_cast<int64_t>(p.stride_w) * in_c, seg_stride = p.dil_h * cols * in_c;
    const int seg_k4 = p.k_w * g.direct_c / 4;
    ParallelFor(p, rows.parts * chans.parts, work, [&](int, int task) {
      const int rt = chans.parts == 1 ? task : task / chans.parts, ct = chans.parts == 1 ? 0 : task % chans.parts;
      const int nb0 = static_cast<int>(chans.Begin(ct)), nb1 = static_cast<int>(chans.End(ct));
      int64_t m = rows.Begin(rt);
      const int64_t m_end = rows.End(rt);
      PixelCursor at(p, m);
      while (m < m_end) {
        const int n = static_cast<int>(std::min<int64_t>(p.out_w - at.ox, m_end - m));  // pixels left in this row
        const A* base = padded + ((static_cast<int64_t>(at.b) * g.pad_rows + static_cast<int64_t>(at.oy) * p.stride_h) * cols +
                                  static_cast<int64_t>(at.ox) * p.stride_w) * in_c;
        for (int i = 0; i < n; i += K::kMr) {
          SegBlocks(p, tiles, base + i * row_stride, row_stride, p.k_h, seg_stride, seg_k4, std::min(K::kMr, n - i),
                    nb0, nb1, output + (m + i) * g.n, nullptr);
        }
        m += n;
        at.Advance(p, n);
      }
    });
  }

  template <bool kConv>
  static void Run(const OpParams& p, uint8_t* arena) {
    const PackedGemm& g = p.gemm;
    if constexpr (kConv && kDirect) {
      if (g.direct) {
        RunDirect(p, arena);
        return;
      }
    }
    const int8_t* input = TensorData<const int8_t>(p.in[0], arena);
    C* output = TensorData<C>(p.out[0], arena);
    const TileFn* tiles = TilesFor(p.requant);
    const int64_t work = static_cast<int64_t>(g.m) * g.n * g.k;
    const Tasks t = SplitTasks(g, UsableThreads(p, work));
    const Split &rows = t.rows, &chans = t.chans;
    ParallelFor(p, rows.parts * chans.parts, work, [&](int worker, int task) {
      const int rt = chans.parts == 1 ? task : task / chans.parts, ct = chans.parts == 1 ? 0 : task % chans.parts;
      const int nb0 = static_cast<int>(chans.Begin(ct)), nb1 = static_cast<int>(chans.End(ct));
      A* a = reinterpret_cast<A*>(WorkerScratch(p, worker));
      int32_t rowsum[kMaxRowsPerChunk];  // K::kRowSums: each built row's sum of A
      for (int64_t m0 = rows.Begin(rt); m0 < rows.End(rt); m0 += g.rows_per_chunk) {
        const int r = static_cast<int>(std::min<int64_t>(g.rows_per_chunk, rows.End(rt) - m0));
        if (kConv) {
          ConvRows(p, input, static_cast<int>(m0), r, a);
        } else {
          BuildFcRows<A>(p, input, static_cast<int>(m0), r, a, Copier{p});
        }
        if (K::kRowSums) {
          for (int i = 0; i < r; ++i) rowsum[i] = K::RowSum(a + static_cast<int64_t>(i) * g.kpad, g.kpad);
        }
        Block(p, tiles, a, rowsum, static_cast<int>(m0), r, nb0, nb1, output);
      }
    });
  }

  static void CopyWindow(A* dst, int64_t dst_step, const int8_t* src, int64_t src_step, int count, int rows, int span,
                         int64_t src_stride, const OpParams& p) {
    if constexpr (HasCopyWindow<K>::value) {
      K::CopyWindow(dst, dst_step, src, src_step, count, rows, span, src_stride, p);
    } else {
      for (int i = 0; i < count; ++i) {
        for (int y = 0; y < rows; ++y) {
          K::Copy(dst + i * dst_step + static_cast<int64_t>(y) * span, src + i * src_step + y * src_stride, span, p);
        }
      }
    }
  }

  // BuildConvRows (pack/gemm_pack.h) with one CopyWindow call per run of consecutive output pixels of one
  // output row whose windows lie inside the input (no padding, no horizontal dilation); the pixel position is
  // stepped, not divided out, per row.
  static void ConvRows(const OpParams& p, const int8_t* input, int m0, int rows, A* dst) {
    const PackedGemm& g = p.gemm;
    const int span = p.k_w * p.in_c;
    const int64_t row_stride = static_cast<int64_t>(p.dil_h) * p.in_w * p.in_c;
    const int64_t src_step = static_cast<int64_t>(p.stride_w) * p.in_c;
    const int y_last = (p.k_h - 1) * p.dil_h;
    PixelCursor at(p, m0);
    const int &b = at.b, &oy = at.oy, &ox = at.ox;
    for (int r = 0; r < rows;) {
      const int y0 = oy * p.stride_h - p.pad_h, x0 = ox * p.stride_w - p.pad_w;
      A* row = dst + static_cast<int64_t>(r) * g.kpad;
      int n = 1;  // pixels done by this step
      if (p.dil_w == 1 && y0 >= 0 && x0 >= 0 && y0 + y_last < p.in_h && x0 + p.k_w <= p.in_w) {
        // this pixel and the next ones of the output row while their windows stay inside
        n = std::min({rows - r, p.out_w - ox, (p.in_w - p.k_w - x0) / p.stride_w + 1});
        CopyWindow(row, g.kpad, input + ((static_cast<int64_t>(b) * p.in_h + y0) * p.in_w + x0) * p.in_c, src_step, n,
                   p.k_h, span, row_stride, p);
        for (int i = 0; i < n && g.k < g.kpad; ++i) {
          for (int k = g.k; k < g.kpad; ++k) row[static_cast<int64_t>(i) * g.kpad + k] = A(0);
        }
      } else if (p.dil_w == 1 && g.k <= kEdgeBytes) {
        // Edge pixel, small window: gathered as int8 with padded taps = the input zero point (plain memcpy /
        // memset), then one K::Copy: Copy of in_zp is what K::Fill writes (x ^ 0x80, x - in_zp = 0, or x for
        // uint8 A), so the row equals the span-by-span build below with one ISA call instead of up to 3 per
        // filter row (kws' first layer: 10 filter rows of 4 taps).
        int8_t window[kEdgeBytes];
        const int8_t zp = static_cast<int8_t>(p.in_zp);
        const int fx_lo = std::max(0, -x0), fx_hi = std::min(p.k_w, p.in_w - x0);
        int8_t* wrow = window;
        for (int fy = 0; fy < p.k_h; ++fy, wrow += span) {
          const int iy = y0 + fy * p.dil_h;
          if (iy < 0 || iy >= p.in_h || fx_lo >= fx_hi) {
            memset(wrow, zp, static_cast<size_t>(span));
            continue;
          }
          if (fx_lo > 0) memset(wrow, zp, static_cast<size_t>(fx_lo) * p.in_c);
          memcpy(wrow + fx_lo * p.in_c, input + ((static_cast<int64_t>(b) * p.in_h + iy) * p.in_w + x0 + fx_lo) * p.in_c,
                 static_cast<size_t>(fx_hi - fx_lo) * p.in_c);
          if (fx_hi < p.k_w) memset(wrow + fx_hi * p.in_c, zp, static_cast<size_t>(p.k_w - fx_hi) * p.in_c);
        }
        K::Copy(row, window, g.k, p);
        for (int k = g.k; k < g.kpad; ++k) row[k] = A(0);
      } else if (p.dil_w == 1) {  // edge pixel: per filter row, padding left, one span inside, padding right
        const int fx_lo = std::max(0, -x0), fx_hi = std::min(p.k_w, p.in_w - x0);
        for (int fy = 0; fy < p.k_h; ++fy, row += span) {
          const int iy = y0 + fy * p.dil_h;
          if (iy < 0 || iy >= p.in_h || fx_lo >= fx_hi) {
            K::Fill(row, span, p);
            continue;
          }
          if (fx_lo > 0) K::Fill(row, fx_lo * p.in_c, p);
          K::Copy(row + fx_lo * p.in_c, input + ((static_cast<int64_t>(b) * p.in_h + iy) * p.in_w + x0 + fx_lo) * p.in_c,
                  (fx_hi - fx_lo) * p.in_c, p);
          if (fx_hi < p.k_w) K::Fill(row + fx_hi * p.in_c, (p.k_w - fx_hi) * p.in_c, p);
        }
        for (int k = g.k; k < g.kpad; ++k) *row++ = A(0);  // row is at K after the k_h spans
      } else {
        BuildConvRows<A>(p, input, m0 + r, 1, row, Copier{p}, Filler{p});
      }
      r += n;
      at.Advance(p, n);
    }
  }

  struct Copier {
    const OpParams& p;
    void operator()(A* dst, const int8_t* src, int n) const { K::Copy(dst, src, n, p); }
  };
  struct Filler {
    const OpParams& p;
    void operator()(A* dst, int n) const { K::Fill(dst, n, p); }
  };
};

}  // namespace kernels
}  // namespace edgert

#endif  // EDGERT_KERNELS_GEMM_QS8_GEMM_DRIVER_H_
