// qs8 ADD / SUB variants without broadcasting (kernels/add-qs8/vadd_x86.cc).
#ifndef EDGERT_KERNELS_ADD_QS8_VADD_QS8_H_
#define EDGERT_KERNELS_ADD_QS8_VADD_QS8_H_

#include "ref/kernels.h"

namespace edgert {
namespace kernels {

// Whether both inputs have the output's shape (no broadcasting). The AVX2 kernel runs TFLite's integer scheme
// (GEMMLOWP mode); the AVX-512 ones also XNNPACK's (FP32 mode with p.xnn_add), qs8 and qu8.
bool VaddApplies(const OpParams& p);
void add_qs8_vadd_avx512vnni(const OpParams& p, uint8_t* arena);
void add_qu8_vadd_avx512vnni(const OpParams& p, uint8_t* arena);
void add_qs8_vadd_avx2(const OpParams& p, uint8_t* arena);

// arm64 (aarch64 builds only, kernels/add-qs8/vadd_arm.cc): the same scheme on NEON, ADD and SUB.
bool VaddNeonApplies(const OpParams& p);
void add_qs8_vadd_neon(const OpParams& p, uint8_t* arena);

}  // namespace kernels
}  // namespace edgert

#endif  // EDGERT_KERNELS_ADD_QS8_VADD_QS8_H_
