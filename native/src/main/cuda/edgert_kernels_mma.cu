// int8 CONV_2D on tensor cores: mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 (sm_80 and newer; the placement
// never picks it below sm_80, where the body traps). A block's 4 warps work on 4 / split output tiles of 16 x 32;
// the split warps of one tile take every split-th k-step and their int32 partial sums meet in shared memory (integer
// addition, so the order changes nothing: the result is the single-warp sum the host emulator computes). Each warp
// loads the next k-step's fragments before issuing this one's mma, so global latency overlaps the math. The
// fragment loaders and the requantizing store are the __host__ __device__ functions of edgert_cuda_ops.h that the
// host emulator runs lane by lane; the store's channel parameters are loaded before the k loop, so their memory
// round trips overlap it (loaded after it, one output at a time, they were most of a small layer's time).
#include "edgert_cuda_ops.h"

namespace {
constexpr int kWarps = 4;  // CudaSession.BLOCK / 32

#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
__device__ __forceinline__ void Mma(int32_t c[4], const int32_t a[4], const int32_t b[2]) {
  asm volatile(
      "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
      : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

__device__ __forceinline__ void LoadStep(const ecu::ConvP& p, const uint8_t* arena, const uint8_t* consts,
                                         const ecu::MmaRow rows[2], int32_t n0, int32_t k0, int lane,
                                         int32_t a[4], int32_t b[4][2]) {
  ecu::MmaLoadA(p, arena, rows, k0, lane, a);
#pragma unroll
  for (int s = 0; s < 4; ++s) ecu::MmaLoadB(p, consts, n0 + 8 * s, k0, lane, b[s]);
}
#endif
}  // namespace

extern "C" __global__ void __launch_bounds__(128)
    ecu_conv2d_mma(const int32_t* __restrict__ params, uint8_t* __restrict__ arena,
                   const uint8_t* __restrict__ consts) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  __shared__ int32_t partial[kWarps][4][4][32];  // [warp][sub-tile][register][lane]: conflict-free
  const ecu::ConvP& p = *reinterpret_cast<const ecu::ConvP*>(params);
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  const int32_t split = ecu::MmaSplit(p);
  const int32_t per_block = kWarps / split;  // tiles per block
  const int32_t slot = warp / split;         // this warp's tile in the block
  const int32_t part = warp % split;         // and its share of the k-steps
  const int32_t tiles = ecu::MmaTiles(p);
  const int32_t kpad = ecu::MmaKpad(p);
  const int32_t step = ecu::kMmaK * split;
  // The loop bound is the block's, not the warp's: every thread reaches the __syncthreads below.
  for (int32_t g = blockIdx.x; g * per_block < tiles; g += gridDim.x) {
    const int32_t t = g * per_block + slot;
    int32_t acc[4][4] = {};
    int32_t m0 = 0, n0 = 0;
    ecu::OutChannel q[4][2];
    if (t < tiles) {
      ecu::MmaTileOrigin(p, t, &m0, &n0);
      if (part == 0) {
#pragma unroll
        for (int s = 0; s < 4; ++s) ecu::MmaLoadChannels(p, consts, n0 + 8 * s, lane, q[s]);
      }
      ecu::MmaRow rows[2];
      ecu::MmaLaneRows(p, m0, lane, rows);
      int32_t a[4], b[4][2];
      int32_t k0 = part * ecu::kMmaK;
      if (k0 < kpad) LoadStep(p, arena, consts, rows, n0, k0, lane, a, b);
      for (; k0 < kpad; k0 += step) {
        int32_t an[4], bn[4][2];
        if (k0 + step < kpad) LoadStep(p, arena, consts, rows, n0, k0 + step, lane, an, bn);
        __syncwarp();  // the lanes' loads branch (image border, padding); mma.sync.aligned needs them converged
#pragma unroll
        for (int s = 0; s < 4; ++s) Mma(acc[s], a, b[s]);
#pragma unroll
        for (int i = 0; i < 4; ++i) a[i] = an[i];
#pragma unroll
        for (int s = 0; s < 4; ++s) {
          b[s][0] = bn[s][0];
          b[s][1] = bn[s][1];
        }
      }
    }
    if (split > 1) {
      if (part != 0) {
#pragma unroll
        for (int s = 0; s < 4; ++s)
#pragma unroll
          for (int i = 0; i < 4; ++i) partial[warp][s][i][lane] = acc[s][i];
      }
      __syncthreads();
      if (part == 0) {
        for (int32_t w = 1; w < split; ++w)
#pragma unroll
          for (int s = 0; s < 4; ++s)
#pragma unroll
            for (int i = 0; i < 4; ++i)
              acc[s][i] = static_cast<int32_t>(static_cast<uint32_t>(acc[s][i]) +
                                               static_cast<uint32_t>(partial[warp + w][s][i][lane]));
      }
      __syncthreads();  // the partials are read before the next round writes them
    }
    if (part == 0 && t < tiles) {
#pragma unroll
      for (int s = 0; s < 4; ++s) ecu::MmaStore(p, arena, q[s], m0, n0 + 8 * s, lane, acc[s]);
    }
  }
#else
  (void)params;
  (void)arena;
  (void)consts;
  __trap();
#endif
}
