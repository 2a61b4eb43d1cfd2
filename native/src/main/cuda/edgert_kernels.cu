// edgert's CUDA kernels: one __global__ per entry of ECU_KERNEL_LIST, each a grid-stride loop over the op's
// outputs calling the shared per-output function of edgert_cuda_ops.h (the host emulator runs the same functions).
// Launch: <<<blocks, 128>>>(const int32_t* params, uint8_t* arena, const uint8_t* consts), extern "C" names so
// cuModuleGetFunction finds them unmangled.
#include "edgert_cuda_ops.h"

#define ECU_DEFINE_KERNEL(name, P, fn)                                                              \
  extern "C" __global__ void __launch_bounds__(128) name(const int32_t* params, uint8_t* arena,     \
                                                         const uint8_t* consts) {                  \
    const ecu::P& p = *reinterpret_cast<const ecu::P*>(params);                                    \
    const int64_t n = p.count;                                                                     \
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;           \
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {                                      \
      ecu::fn(p, arena, consts, i);                                                                \
    }                                                                                              \
  }

ECU_KERNEL_LIST(ECU_DEFINE_KERNEL)
