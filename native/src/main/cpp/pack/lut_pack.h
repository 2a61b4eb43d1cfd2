// 256-entry tables for ops whose output depends only on one 8-bit input value (QUANTIZE q8 -> q8): the table is
// the reference kernel itself run at prepare on the 256 byte values, so the table variant (ref::lut_x8 at run
// time) is bit-exact with it in every requant mode by construction.
#ifndef EDGERT_PACK_LUT_PACK_H_
#define EDGERT_PACK_LUT_PACK_H_

#include "ref/kernels.h"

namespace edgert {

// Fills p.lut by running ref_kernel over the 256 byte values with p's parameters.
void PackLutFromRef(OpParams& p, KernelFn ref_kernel);

void pack_lut_requantize_qs8_qs8(OpParams& p);
void pack_lut_requantize_qs8_qu8(OpParams& p);
void pack_lut_requantize_qu8_qs8(OpParams& p);
void pack_lut_requantize_qu8_qu8(OpParams& p);

}  // namespace edgert

#endif  // EDGERT_PACK_LUT_PACK_H_
