// See lut_pack.h.
#include "pack/lut_pack.h"

#include <string.h>

namespace edgert {

void PackLutFromRef(OpParams& p, KernelFn ref_kernel) {
  uint8_t in[256], out[256];
  for (int i = 0; i < 256; ++i) in[i] = static_cast<uint8_t>(i);
  OpParams q = p;
  q.in.assign(1, TensorRef());
  q.out.assign(1, TensorRef());
  q.in[0].data = in;
  q.out[0].data = out;
  q.count = 256;
  ref_kernel(q, nullptr);
  memcpy(p.lut, out, sizeof(out));
}

void pack_lut_requantize_qs8_qs8(OpParams& p) { PackLutFromRef(p, ref::requantize_qs8_qs8); }
void pack_lut_requantize_qs8_qu8(OpParams& p) { PackLutFromRef(p, ref::requantize_qs8_qu8); }
void pack_lut_requantize_qu8_qs8(OpParams& p) { PackLutFromRef(p, ref::requantize_qu8_qs8); }
void pack_lut_requantize_qu8_qu8(OpParams& p) { PackLutFromRef(p, ref::requantize_qu8_qu8); }

}  // namespace edgert
