// Host emulator of a CUDA plan: runs every launch of a plan file by calling the same per-output functions the
// device kernels call (edgert_cuda_ops.h), one output at a time. The Java tests (io.edgert.cuda) build a plan
// for a real model exactly as the CUDA session would, run it here and compare the outputs with the native
// backend: this checks the plan encoding and the kernel arithmetic without a GPU. It does not check the device
// launch itself (grid-stride loops, alignment, memory), which only a GPU run can.
//
// usage: edgert_cuda_emulator PLAN ARENA_IN ARENA_OUT
//        edgert_cuda_emulator --layout   (prints each kernel's parameter block size in int32 words, list order)
// PLAN (little-endian int32 words): magic 0x50554345 ("ECUP"), version 1, n_launches, n_param_words, consts_bytes,
//   then n_launches x (kernel index in ECU_KERNEL_LIST order, param word offset), the param words, the constants.
// ARENA_IN: the arena bytes before the run (inputs placed); ARENA_OUT receives the arena after it.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <string>
#include <vector>

#include "../edgert_cuda_ops.h"

namespace {

std::vector<uint8_t> ReadAll(const char* path) {
  std::vector<uint8_t> data;
  FILE* f = fopen(path, "rb");
  if (f == nullptr) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(2);
  }
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), f)) > 0) data.insert(data.end(), buf, buf + n);
  fclose(f);
  return data;
}

typedef void (*Runner)(const int32_t* params, uint8_t* arena, const uint8_t* consts);

#define ECU_HOST_RUNNER(name, P, fn)                                          \
  void name(const int32_t* params, uint8_t* arena, const uint8_t* consts) {   \
    const ecu::P& p = *reinterpret_cast<const ecu::P*>(params);               \
    for (int64_t i = 0; i < p.count; ++i) ecu::fn(p, arena, consts, i);       \
  }
ECU_KERNEL_LIST(ECU_HOST_RUNNER)

// mma.sync.m16n8k32 .s8 over a warp: the 32 lanes' fragments assembled into A (16 x 32) and B (32 x 8) by the
// PTX ISA layout (see edgert_cuda_ops.h), multiplied, and C scattered back to the lanes' accumulators.
void HostMma(int32_t c[32][4], const int32_t a[32][4], const int32_t b[32][2]) {
  int32_t A[16][32], B[32][8];
  auto byte = [](int32_t w, int j) { return static_cast<int32_t>(static_cast<int8_t>(w >> (8 * j))); };
  for (int lane = 0; lane < 32; ++lane) {
    const int gid = lane >> 2, tid = lane & 3;
    for (int j = 0; j < 4; ++j) {
      A[gid][tid * 4 + j] = byte(a[lane][0], j);
      A[gid + 8][tid * 4 + j] = byte(a[lane][1], j);
      A[gid][16 + tid * 4 + j] = byte(a[lane][2], j);
      A[gid + 8][16 + tid * 4 + j] = byte(a[lane][3], j);
      B[tid * 4 + j][gid] = byte(b[lane][0], j);
      B[16 + tid * 4 + j][gid] = byte(b[lane][1], j);
    }
  }
  for (int lane = 0; lane < 32; ++lane) {
    const int gid = lane >> 2, tid = lane & 3;
    const int rows[4] = {gid, gid, gid + 8, gid + 8};
    const int cols[4] = {2 * tid, 2 * tid + 1, 2 * tid, 2 * tid + 1};
    for (int i = 0; i < 4; ++i) {
      uint32_t sum = static_cast<uint32_t>(c[lane][i]);
      for (int k = 0; k < 32; ++k) sum += static_cast<uint32_t>(A[rows[i]][k] * B[k][cols[i]]);
      c[lane][i] = static_cast<int32_t>(sum);
    }
  }
}

// One warp over the whole depth per tile: the device splits deep tiles' k-steps over warps and adds their int32
// partial sums (wrap-around addition, so the same result).
void ecu_conv2d_mma(const int32_t* params, uint8_t* arena, const uint8_t* consts) {
  const ecu::ConvP& p = *reinterpret_cast<const ecu::ConvP*>(params);
  const int32_t tiles = ecu::MmaTiles(p);
  const int32_t kpad = ecu::MmaKpad(p);
  for (int32_t t = 0; t < tiles; ++t) {
    int32_t m0, n0;
    ecu::MmaTileOrigin(p, t, &m0, &n0);
    ecu::MmaRow rows[32][2];
    for (int lane = 0; lane < 32; ++lane) ecu::MmaLaneRows(p, m0, lane, rows[lane]);
    static int32_t acc[4][32][4];
    for (int s = 0; s < 4; ++s)
      for (int l = 0; l < 32; ++l)
        for (int i = 0; i < 4; ++i) acc[s][l][i] = 0;
    for (int32_t k0 = 0; k0 < kpad; k0 += ecu::kMmaK) {
      int32_t a[32][4];
      for (int lane = 0; lane < 32; ++lane) ecu::MmaLoadA(p, arena, rows[lane], k0, lane, a[lane]);
      for (int s = 0; s < 4; ++s) {
        int32_t b[32][2];
        for (int lane = 0; lane < 32; ++lane) ecu::MmaLoadB(p, consts, n0 + 8 * s, k0, lane, b[lane]);
        HostMma(acc[s], a, b);
      }
    }
    for (int s = 0; s < 4; ++s) {
      for (int lane = 0; lane < 32; ++lane) {
        ecu::OutChannel q[2];
        ecu::MmaLoadChannels(p, consts, n0 + 8 * s, lane, q);
        ecu::MmaStore(p, arena, q, m0, n0 + 8 * s, lane, acc[s][lane]);
      }
    }
  }
}

#define ECU_HOST_ENTRY(name, P, fn) name,
const Runner kRunners[] = {ECU_KERNEL_LIST(ECU_HOST_ENTRY) ECU_WARP_KERNEL_LIST(ECU_HOST_ENTRY)};

}  // namespace

#define ECU_LAYOUT_LINE(name, P, fn) printf("%s %zu\n", #name, sizeof(ecu::P) / sizeof(int32_t));

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--layout") {
    ECU_KERNEL_LIST(ECU_LAYOUT_LINE)
    ECU_WARP_KERNEL_LIST(ECU_LAYOUT_LINE)
    return 0;
  }
  if (argc != 4) {
    fprintf(stderr, "usage: %s PLAN ARENA_IN ARENA_OUT\n", argv[0]);
    return 2;
  }
  std::vector<uint8_t> plan = ReadAll(argv[1]);
  std::vector<uint8_t> arena = ReadAll(argv[2]);
  if (plan.size() < 20) {
    fprintf(stderr, "plan too short\n");
    return 2;
  }
  const int32_t* w = reinterpret_cast<const int32_t*>(plan.data());
  if (w[0] != 0x50554345 || w[1] != 1) {
    fprintf(stderr, "not an edgert CUDA plan (magic %08x, version %d)\n", w[0], w[1]);
    return 2;
  }
  const int32_t n_launches = w[2], n_words = w[3], consts_bytes = w[4];
  const size_t header = 5 + 2 * static_cast<size_t>(n_launches);
  if (n_launches < 0 || n_words < 0 || consts_bytes < 0 ||
      plan.size() != 4 * (header + n_words) + static_cast<size_t>(consts_bytes)) {
    fprintf(stderr, "plan size %zu does not match its header\n", plan.size());
    return 2;
  }
  // Constants copied to their own 16-byte aligned buffer, as cuMemAlloc would place them.
  std::vector<int32_t> params(w + header, w + header + n_words);
  std::vector<uint32_t> consts_words((consts_bytes + 3) / 4 + 4);
  const uint8_t* src = plan.data() + 4 * (header + n_words);
  uint8_t* consts = reinterpret_cast<uint8_t*>(consts_words.data());
  for (int32_t i = 0; i < consts_bytes; ++i) consts[i] = src[i];
  // The arena in 4-byte aligned storage too (dp4a kernels read int32 words).
  std::vector<uint32_t> arena_words(arena.size() / 4 + 1);
  uint8_t* a = reinterpret_cast<uint8_t*>(arena_words.data());
  for (size_t i = 0; i < arena.size(); ++i) a[i] = arena[i];
  const int n_kernels = sizeof(kRunners) / sizeof(kRunners[0]);
  for (int32_t l = 0; l < n_launches; ++l) {
    const int32_t kernel = w[5 + 2 * l], offset = w[5 + 2 * l + 1];
    if (kernel < 0 || kernel >= n_kernels || offset < 0 || offset >= n_words) {
      fprintf(stderr, "launch %d: bad kernel %d or offset %d\n", l, kernel, offset);
      return 2;
    }
    kRunners[kernel](params.data() + offset, a, consts);
  }
  FILE* out = fopen(argv[3], "wb");
  if (out == nullptr || fwrite(a, 1, arena.size(), out) != arena.size() || fclose(out) != 0) {
    fprintf(stderr, "cannot write %s\n", argv[3]);
    return 2;
  }
  return 0;
}
