// int8 CONV_2D on tensor cores: mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 (sm_80 and newer; the placement
// never picks it below sm_80, where the body traps). One warp per 16 x 32 output tile, grid-stride over tiles; the
// fragment loaders and the requantizing store are the __host__ __device__ functions of edgert_cuda_ops.h that the
// host emulator runs lane by lane.
#include "edgert_cuda_ops.h"

extern "C" __global__ void __launch_bounds__(128) ecu_conv2d_mma(const int32_t* params, uint8_t* arena,
                                                                 const uint8_t* consts) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  const ecu::ConvP& p = *reinterpret_cast<const ecu::ConvP*>(params);
  const int lane = threadIdx.x & 31;
  const int warps_per_block = blockDim.x >> 5;
  const int64_t tiles = ecu::MmaTiles(p);
  const int32_t kpad = ecu::MmaKpad(p);
  for (int64_t t = static_cast<int64_t>(blockIdx.x) * warps_per_block + (threadIdx.x >> 5); t < tiles;
       t += static_cast<int64_t>(gridDim.x) * warps_per_block) {
    int64_t m0;
    int32_t n0;
    ecu::MmaTileOrigin(p, t, &m0, &n0);
    int32_t acc[4][4] = {};
    for (int32_t k0 = 0; k0 < kpad; k0 += ecu::kMmaK) {
      int32_t a[4];
      ecu::MmaLoadA(p, arena, m0, k0, lane, a);
      __syncwarp();  // the lanes' loads branch (image border, padding); mma.sync.aligned needs them converged
#pragma unroll
      for (int s = 0; s < 4; ++s) {
        int32_t b[2];
        ecu::MmaLoadB(p, consts, n0 + 8 * s, k0, lane, b);
        asm volatile(
            "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
            "{%0,%1,%2,%3};\n"
            : "+r"(acc[s][0]), "+r"(acc[s][1]), "+r"(acc[s][2]), "+r"(acc[s][3])
            : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
      }
    }
#pragma unroll
    for (int s = 0; s < 4; ++s) ecu::MmaStore(p, arena, consts, m0, n0 + 8 * s, lane, acc[s]);
  }
#else
  (void)params;
  (void)arena;
  (void)consts;
  __trap();
#endif
}
