// edgert's CUDA kernels: one __global__ per entry of ECU_KERNEL_LIST, each a grid-stride loop over the op's
// outputs calling the shared per-output function of edgert_cuda_ops.h (the host emulator runs the same functions);
// SOFTMAX instead runs one block per row (RunKernel's overload below).
// Launch: <<<blocks, 128>>>(const int32_t* params, uint8_t* arena, const uint8_t* consts), extern "C" names so
// cuModuleGetFunction finds them unmangled.
#include "edgert_cuda_ops.h"

namespace {
constexpr int kBlock = 128;  // CudaSession.BLOCK

template <typename P, typename F>
__device__ __forceinline__ void RunKernel(const P& p, uint8_t* arena, const uint8_t* consts, F fn) {
  (void)arena;
  (void)consts;
  const int64_t n = p.count;
  for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    fn(i);
  }
}

// SOFTMAX, one block per row: the maximum by a block reduction (integer, exact), the table terms staged in shared
// memory and added in order by thread 0 (the reference's float sum, same rounding), then every output in parallel.
// A row with one thread took ~150 us for MobileNet's 1001 classes.
template <typename F>
__device__ void RunKernel(const ecu::SoftmaxP& p, uint8_t* arena, const uint8_t* consts, F) {
  constexpr int kChunk = 1024;
  __shared__ float terms[kChunk];
  __shared__ int32_t warp_max[kBlock / 32];
  __shared__ float inverse;
  const int tid = threadIdx.x;
  for (int64_t row = blockIdx.x; row < p.count; row += gridDim.x) {
    const uint8_t* in = arena + p.in_off + row * p.inner;
    uint8_t* out = arena + p.out_off + row * p.inner;
    int32_t mx = ecu::SoftmaxQmin(p);
    for (int32_t j = tid; j < p.inner; j += kBlock) {
      const int32_t v = ecu::Load8(in, j, p.is_u8);
      mx = v > mx ? v : mx;
    }
    for (int o = 16; o > 0; o >>= 1) {
      const int32_t v = __shfl_xor_sync(0xffffffffu, mx, o);
      mx = v > mx ? v : mx;
    }
    if ((tid & 31) == 0) warp_max[tid >> 5] = mx;
    __syncthreads();
    mx = warp_max[0];
    for (int w = 1; w < kBlock / 32; ++w) mx = warp_max[w] > mx ? warp_max[w] : mx;
    const float* table = ecu::SoftmaxTable(p, consts, mx);
    float sum = 0.0f;
    for (int32_t c0 = 0; c0 < p.inner; c0 += kChunk) {
      const int32_t n = p.inner - c0 < kChunk ? p.inner - c0 : kChunk;
      for (int32_t j = tid; j < n; j += kBlock) terms[j] = table[ecu::Load8(in, c0 + j, p.is_u8)];
      __syncthreads();
      if (tid == 0) {
        for (int32_t j = 0; j < n; ++j) sum += terms[j];
      }
      __syncthreads();
    }
    if (tid == 0) inverse = ecu::SoftmaxInverse(p, sum);
    __syncthreads();
    const float inv = inverse;
    for (int32_t j = tid; j < p.inner; j += kBlock) {
      ecu::Store8(out, j, ecu::SoftmaxOut(p, table[ecu::Load8(in, j, p.is_u8)], inv));
    }
    __syncthreads();  // warp_max, terms and inverse are reused by the next row
  }
}
}  // namespace

// __restrict__: the three buffers never alias, so loads of parameters and constants may move ahead of the arena
// stores (without it every Store8 forced the next output's parameter and constant loads to wait for it).
#define ECU_DEFINE_KERNEL(name, P, fn)                                                                          \
  extern "C" __global__ void __launch_bounds__(kBlock)                                                         \
      name(const int32_t* __restrict__ params, uint8_t* __restrict__ arena, const uint8_t* __restrict__ consts) { \
    const ecu::P& p = *reinterpret_cast<const ecu::P*>(params);                                                \
    RunKernel(p, arena, consts, [&](int64_t i) { ecu::fn(p, arena, consts, i); });                             \
  }

ECU_KERNEL_LIST(ECU_DEFINE_KERNEL)
