// The one translation unit nvcc compiles into the fatbin: the per-output kernels and the tensor-core conv.
#include "edgert_kernels.cu"
#include "edgert_kernels_mma.cu"
