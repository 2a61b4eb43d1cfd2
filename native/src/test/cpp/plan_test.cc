// Plan-level tests through the C ABI only: arena offsets (and nothing outside an output written), constant
// tensors, a two-op plan equal to its ops run one by one, op timings, the kernel registry and CPU features, and
// error handling: every bad declaration or parameter makes add_* / prepare return -1 with a message, never crash.
#include <time.h>
#if defined(__linux__) && defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <atomic>

#include "test_util.h"

using namespace edgert_test;

namespace {

int64_t NowNanos() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

void TestRegistry() {
  const int n = edgert_kernel_count();
  EXPECT_TRUE(n >= 40, "kernel count %d", n);
  for (int i = 0; i < n; ++i) {
    const std::string id = edgert_kernel_id(i);
    const std::string isa = id.substr(id.rfind('_') + 1);
    const bool known_isa = isa == "ref" || isa == "avx2" || isa == "avx512vnni" || isa == "avxvnni" || isa == "neon" ||
                           isa == "neondot" || isa == "neoni8mm" || isa == "amx" || isa == "cuda";
    EXPECT_TRUE(known_isa, "id %s should end with an ISA token (STYLE.md)", id.c_str());
    EXPECT_TRUE(edgert_kernel_builtin(i) >= 0, "%s builtin", id.c_str());
    if (isa == "ref") EXPECT_TRUE(edgert_kernel_cpu_supported(i) == 1, "%s supported", id.c_str());
    EXPECT_TRUE((edgert_kernel_requant_modes(i) & (1 << EDGERT_REQUANT_GEMMLOWP)) != 0, "%s implements gemmlowp", id.c_str());
    for (int j = 0; j < i; ++j) EXPECT_TRUE(id != edgert_kernel_id(j), "duplicate id %s", id.c_str());
  }
  EXPECT_TRUE(edgert_kernel_id(n) == nullptr, "id past the end");
  EXPECT_TRUE(edgert_kernel_id(-1) == nullptr, "id -1");
  EXPECT_TRUE(edgert_kernel_builtin(n) == -1, "builtin past the end");
  const uint64_t f = edgert_cpu_features();
  printf("cpu features: 0x%llx\n", (unsigned long long)f);
#if defined(__x86_64__)
  EXPECT_TRUE((f & (EDGERT_CPU_ASIMD | EDGERT_CPU_DOTPROD | EDGERT_CPU_I8MM | EDGERT_CPU_SVE)) == 0, "arm bits on x86");
  EXPECT_TRUE((f & EDGERT_CPU_SSE41) != 0, "x86-64 machines running this have SSE4.1");
  if (f & EDGERT_CPU_AVX512VNNI) EXPECT_TRUE((f & EDGERT_CPU_AVX512F) != 0, "VNNI implies AVX-512F");
#if defined(__linux__)  // inside the x86_64 branch
  if (f & EDGERT_CPU_AMX_INT8) {  // reported only once Linux granted this process the tile data state
    uint64_t permitted = 0;
    EXPECT_TRUE(syscall(SYS_arch_prctl, 0x1022 /* ARCH_GET_XCOMP_PERM */, &permitted) == 0, "ARCH_GET_XCOMP_PERM");
    EXPECT_TRUE((permitted & (1ull << 18)) != 0, "AMX reported without the XTILEDATA permission: 0x%llx",
                (unsigned long long)permitted);
  }
#endif
#elif defined(__aarch64__)
  EXPECT_TRUE((f & EDGERT_CPU_ASIMD) != 0, "arm64 has ASIMD");
#endif
  EXPECT_TRUE(edgert_cpu_features() == f, "stable");
}

// ADD (arena) + constant, then LOGISTIC, with non-trivial offsets; compared against two single-op plans.
void TestTwoOpPlan() {
  const int32_t dims[] = {1, 2, 2, 8};
  const float s_in = 0.05f, s_c = 0.02f, s_mid = 0.08f, s_out = 1.0f / 256;
  const int64_t z_in = -3, z_c = 10, z_mid = 2, z_out = -128;
  int8_t constant[32];
  for (int i = 0; i < 32; ++i) constant[i] = static_cast<int8_t>(i * 9 - 128);
  int8_t input[32];
  for (int i = 0; i < 32; ++i) input[i] = static_cast<int8_t>(127 - i * 7);

  edgert_plan* plan = edgert_plan_create(EDGERT_REQUANT_GEMMLOWP);
  const int64_t off_in = 192, off_mid = 64, off_out = 320;  // intermediate below the input: any order works
  const int t_in = edgert_plan_add_tensor(plan, kI8, 4, dims, off_in, nullptr, 1, &s_in, &z_in, 0);
  const int t_c = edgert_plan_add_tensor(plan, kI8, 4, dims, -1, constant, 1, &s_c, &z_c, 0);
  const int t_mid = edgert_plan_add_tensor(plan, kI8, 4, dims, off_mid, nullptr, 1, &s_mid, &z_mid, 0);
  const int t_out = edgert_plan_add_tensor(plan, kI8, 4, dims, off_out, nullptr, 1, &s_out, &z_out, 0);
  EXPECT_TRUE(t_in == 0 && t_c == 1 && t_mid == 2 && t_out == 3, "tensor ids %d %d %d %d", t_in, t_c, t_mid, t_out);
  const int32_t add_in[] = {t_in, t_c}, add_out[] = {t_mid}, act[] = {0};
  const int32_t lg_in[] = {t_mid}, lg_out[] = {t_out};
  EXPECT_TRUE(edgert_plan_add_op(plan, 0, "", 2, add_in, 1, add_out, 1, act, 0, nullptr) == 0, "op 0");
  EXPECT_TRUE(edgert_plan_add_op(plan, 14, nullptr, 1, lg_in, 1, lg_out, 0, nullptr, 0, nullptr) == 1, "op 1");
  EXPECT_TRUE(edgert_plan_op_count(plan) == 2, "op count");
  EXPECT_TRUE(edgert_plan_op_kernel(plan, 0) == nullptr, "no kernel before prepare");
  EXPECT_TRUE(edgert_plan_run(plan, nullptr, nullptr) == -1, "run before prepare fails");
  EXPECT_TRUE(strstr(edgert_plan_error(plan), "prepare") != nullptr, "message: %s", edgert_plan_error(plan));
  EXPECT_TRUE(edgert_plan_prepare(plan) == 0, "prepare: %s", edgert_plan_error(plan));
  // The best enabled ADD variant: a SIMD one where the CPU has its ISA (EDGERT_ISA permitting), else the ref.
  EXPECT_TRUE(std::string(edgert_plan_op_kernel(plan, 0)).rfind("add_qs8_", 0) == 0, "kernel 0 %s", edgert_plan_op_kernel(plan, 0));
  EXPECT_TRUE(std::string(edgert_plan_op_kernel(plan, 1)) == "logistic_qs8_lut_ref", "kernel 1 %s", edgert_plan_op_kernel(plan, 1));
  EXPECT_TRUE(edgert_plan_op_kernel(plan, 2) == nullptr, "op 2 does not exist");
  EXPECT_TRUE(edgert_plan_packed_bytes(plan) == 256, "packed bytes %lld (the LOGISTIC table)", (long long)edgert_plan_packed_bytes(plan));
  EXPECT_TRUE(edgert_plan_run(plan, nullptr, nullptr) == -1, "NULL arena rejected");

  alignas(64) uint8_t arena[448];
  memset(arena, 0xA5, sizeof(arena));
  memcpy(arena + off_in, input, 32);
  int64_t times[2] = {-1, -1};
  EXPECT_TRUE(edgert_plan_run(plan, arena, times) == 0, "run: %s", edgert_plan_error(plan));
  EXPECT_TRUE(times[0] >= 0 && times[1] >= 0, "times %lld %lld", (long long)times[0], (long long)times[1]);
  for (int i = 0; i < 64; ++i) EXPECT_TRUE(arena[i] == 0xA5, "byte %d before the first tensor written", i);
  for (int i = 96; i < 192; ++i) EXPECT_TRUE(arena[i] == 0xA5, "gap byte %d written", i);
  for (int i = 352; i < 448; ++i) EXPECT_TRUE(arena[i] == 0xA5, "byte %d after the output written", i);
  EXPECT_TRUE(memcmp(arena + off_in, input, 32) == 0, "input untouched");

  // Same ops as separate plans.
  PlanBuilder p1(EDGERT_REQUANT_GEMMLOWP);
  const int a = p1.Act(kI8, {1, 2, 2, 8}, s_in, z_in);
  const int c = p1.Const(kI8, {1, 2, 2, 8}, constant, 32, {s_c}, {z_c});
  const int64_t mid_off = p1.next_offset;
  const int m = p1.Act(kI8, {1, 2, 2, 8}, s_mid, z_mid);
  p1.Op(0, "add_qs8_ref", {a, c}, {m}, {0});
  EXPECT_TRUE(edgert_plan_prepare(p1.plan) == 0, "p1");
  uint8_t* ar1 = p1.Arena();
  memcpy(ar1, input, 32);
  edgert_plan_run(p1.plan, ar1, nullptr);
  EXPECT_TRUE(memcmp(ar1 + mid_off, arena + off_mid, 32) == 0, "intermediate equals single ADD");
  PlanBuilder p2(EDGERT_REQUANT_GEMMLOWP);
  const int x = p2.Act(kI8, {1, 2, 2, 8}, s_mid, z_mid);
  const int64_t out_off2 = p2.next_offset;
  const int y = p2.Act(kI8, {1, 2, 2, 8}, s_out, z_out);
  p2.Op(14, nullptr, {x}, {y});
  EXPECT_TRUE(edgert_plan_prepare(p2.plan) == 0, "p2");
  uint8_t* ar2 = p2.Arena();
  memcpy(ar2, ar1 + mid_off, 32);
  edgert_plan_run(p2.plan, ar2, nullptr);
  EXPECT_TRUE(memcmp(ar2 + out_off2, arena + off_out, 32) == 0, "output equals single LOGISTIC");
  // Re-running gives the same bytes (no state kept between runs).
  uint8_t first[32];
  memcpy(first, arena + off_out, 32);
  EXPECT_TRUE(edgert_plan_run(plan, arena, nullptr) == 0, "second run");
  EXPECT_TRUE(memcmp(first, arena + off_out, 32) == 0, "deterministic");
  edgert_plan_destroy(plan);
}

// Expects prepare (or the declaration) to fail with a message containing `needle`.
void ExpectPrepareError(PlanBuilder& b, const char* needle, const char* label) {
  const int rc = edgert_plan_prepare(b.plan);
  const std::string msg = edgert_plan_error(b.plan);
  EXPECT_TRUE(rc == -1, "%s: prepare returned %d", label, rc);
  EXPECT_TRUE(msg.find(needle) != std::string::npos, "%s: message '%s' lacks '%s'", label, msg.c_str(), needle);
}

void TestErrors() {
  const int8_t w[2 * 3 * 3 * 2] = {0};
  {  // zero stride
    PlanBuilder b(0);
    const int in = b.Act(kI8, {1, 5, 5, 2}, 0.1f, 0);
    const int f = b.Const(kI8, {2, 3, 3, 2}, w, sizeof(w), {0.1f});
    const int out = b.Act(kI8, {1, 5, 5, 2}, 0.1f, 0);
    b.Op(3, nullptr, {in, f, -1}, {out}, {0, 0, 1});
    ExpectPrepareError(b, "stride", "conv zero stride");
  }
  {  // output shape mismatch
    PlanBuilder b(0);
    const int in = b.Act(kI8, {1, 5, 5, 2}, 0.1f, 0);
    const int f = b.Const(kI8, {2, 3, 3, 2}, w, sizeof(w), {0.1f});
    const int out = b.Act(kI8, {1, 4, 5, 2}, 0.1f, 0);
    b.Op(3, nullptr, {in, f}, {out}, {0, 1, 1});
    ExpectPrepareError(b, "output shape", "conv output shape");
  }
  {  // filter depth mismatch
    PlanBuilder b(0);
    const int in = b.Act(kI8, {1, 5, 5, 3}, 0.1f, 0);
    const int f = b.Const(kI8, {2, 3, 3, 2}, w, sizeof(w), {0.1f});
    const int out = b.Act(kI8, {1, 5, 5, 2}, 0.1f, 0);
    b.Op(3, nullptr, {in, f}, {out});
    ExpectPrepareError(b, "divide", "conv depth");
  }
  {  // per-channel scale count mismatch
    PlanBuilder b(0);
    const int in = b.Act(kI8, {1, 5, 5, 2}, 0.1f, 0);
    const int f = b.Const(kI8, {2, 3, 3, 2}, w, sizeof(w), {0.1f, 0.2f, 0.3f}, {}, 0);
    EXPECT_TRUE(f == -1, "3 scales on a dimension of 2 rejected at declaration");
    EXPECT_TRUE(strstr(edgert_plan_error(b.plan), "scales") != nullptr, "message %s", edgert_plan_error(b.plan));
    (void)in;
  }
  {  // bias dtype and size
    PlanBuilder b(0);
    const int in = b.Act(kI8, {1, 5, 5, 2}, 0.1f, 0);
    const int f = b.Const(kI8, {2, 3, 3, 2}, w, sizeof(w), {0.1f});
    const int8_t bias8[2] = {0, 0};
    const int bias = b.Const(kI8, {2}, bias8, 2);
    const int out = b.Act(kI8, {1, 5, 5, 2}, 0.1f, 0);
    b.Op(3, nullptr, {in, f, bias}, {out});
    ExpectPrepareError(b, "bias", "bias dtype");
  }
  {  // ADD shapes that do not broadcast
    PlanBuilder b(0);
    const int x = b.Act(kI8, {2, 3}, 0.1f, 0);
    const int y = b.Act(kI8, {2, 4}, 0.1f, 0);
    const int out = b.Act(kI8, {2, 4}, 0.1f, 0);
    b.Op(0, nullptr, {x, y}, {out});
    ExpectPrepareError(b, "broadcast", "add shapes");
  }
  {  // mixed dtypes
    PlanBuilder b(0);
    const int x = b.Act(kI8, {4}, 0.1f, 0);
    const int y = b.Act(kU8, {4}, 0.1f, 128);
    const int out = b.Act(kI8, {4}, 0.1f, 0);
    b.Op(18, nullptr, {x, y}, {out});
    ExpectPrepareError(b, "dtype", "mul dtypes");
  }
  {  // not quantized / zero point out of range
    PlanBuilder b(0);
    const int x = b.Act(kI8, {4});
    const int out = b.Act(kI8, {4}, 0.1f, 0);
    b.Op(14, nullptr, {x}, {out});
    ExpectPrepareError(b, "quantization", "missing quantization");
    PlanBuilder b2(0);
    const int x2 = b2.Act(kI8, {4}, 0.1f, 200);
    const int out2 = b2.Act(kI8, {4}, 0.1f, 0);
    b2.Op(14, nullptr, {x2}, {out2});
    ExpectPrepareError(b2, "zero point", "zero point range");
  }
  {  // unknown kernel id, kernel for another op, unsupported builtin, wrong input count
    PlanBuilder b(0);
    const int x = b.Act(kI8, {4}, 0.1f, 0);
    const int out = b.Act(kI8, {4}, 1.0f / 256, -128);
    b.Op(14, "logistic_qs8_lut_avx9000", {x}, {out});
    ExpectPrepareError(b, "unknown kernel", "unknown id");
    PlanBuilder b2(0);
    const int x2 = b2.Act(kI8, {4}, 0.1f, 0);
    const int out2 = b2.Act(kI8, {4}, 1.0f / 256, -128);
    b2.Op(14, "tanh_qs8_lut_ref", {x2}, {out2});
    ExpectPrepareError(b2, "does not implement", "wrong kernel");
    PlanBuilder b3(0);
    const int x3 = b3.Act(kI8, {4}, 0.1f, 0);
    const int out3 = b3.Act(kI8, {4}, 0.1f, 0);
    b3.Op(42, nullptr, {x3, x3}, {out3});
    ExpectPrepareError(b3, "unsupported builtin", "DIV");
    PlanBuilder b4(0);
    const int x4 = b4.Act(kI8, {4}, 0.1f, 0);
    const int out4 = b4.Act(kI8, {4}, 0.1f, 0);
    b4.Op(0, nullptr, {x4}, {out4});
    ExpectPrepareError(b4, "inputs", "ADD with one input");
  }
  {  // declaration errors
    PlanBuilder b(0);
    const int32_t dims[] = {4};
    const float s = 0.1f;
    const int8_t data[4] = {0};
    EXPECT_TRUE(edgert_plan_add_tensor(b.plan, kI8, 1, dims, 0, data, 1, &s, nullptr, 0) == -1, "offset and data");
    EXPECT_TRUE(edgert_plan_add_tensor(b.plan, kI8, 1, dims, -1, nullptr, 1, &s, nullptr, 0) == -1, "neither");
    EXPECT_TRUE(edgert_plan_add_tensor(b.plan, 99, 1, dims, 0, nullptr, 0, nullptr, nullptr, 0) == -1, "dtype");
    EXPECT_TRUE(edgert_plan_add_tensor(b.plan, kI8, 7, dims, 0, nullptr, 0, nullptr, nullptr, 0) == -1, "rank");
    const int32_t neg[] = {-1};
    EXPECT_TRUE(edgert_plan_add_tensor(b.plan, kI8, 1, neg, 0, nullptr, 0, nullptr, nullptr, 0) == -1, "negative dim");
    const int32_t ins[] = {5}, outs[] = {0};
    EXPECT_TRUE(edgert_plan_add_op(b.plan, 14, nullptr, 1, ins, 1, outs, 0, nullptr, 0, nullptr) == -1, "bad tensor id");
    EXPECT_TRUE(strstr(edgert_plan_error(b.plan), "tensor 5") != nullptr, "message %s", edgert_plan_error(b.plan));
    EXPECT_TRUE(edgert_plan_add_op(b.plan, 14, nullptr, 1, nullptr, 1, outs, 0, nullptr, 0, nullptr) == -1, "NULL inputs");
  }
  {  // bad requant mode is reported by prepare
    edgert_plan* p = edgert_plan_create(7);
    EXPECT_TRUE(p != nullptr, "create");
    EXPECT_TRUE(edgert_plan_prepare(p) == -1, "bad mode");
    EXPECT_TRUE(strstr(edgert_plan_error(p), "requant_mode") != nullptr, "message %s", edgert_plan_error(p));
    edgert_plan_destroy(p);
  }
  {  // op-specific parameter errors
    PlanBuilder b(0);
    const int x = b.Act(kI8, {1, 4, 4, 2}, 0.1f, 0);
    const int32_t axis[] = {5};
    const int ax = b.Const(kI32, {1}, axis, 4);
    const int out = b.Act(kI8, {1, 4, 4, 1}, 0.1f, 0);
    b.Op(40, nullptr, {x, ax}, {out}, {1});
    ExpectPrepareError(b, "out of range", "mean axis");
    PlanBuilder b2(0);
    const int x2 = b2.Act(kI8, {2, 3}, 0.1f, 0);
    const int32_t perm[] = {0, 0};
    const int pm = b2.Const(kI32, {2}, perm, 8);
    const int out2 = b2.Act(kI8, {2, 3}, 0.1f, 0);
    b2.Op(39, nullptr, {x2, pm}, {out2});
    ExpectPrepareError(b2, "permutation", "transpose perm");
    PlanBuilder b3(0);
    const int x3 = b3.Act(kI8, {4}, 0.1f, 0);
    const int32_t be[] = {0}, en[] = {4}, st[] = {0};
    const int c1 = b3.Const(kI32, {1}, be, 4), c2 = b3.Const(kI32, {1}, en, 4), c3 = b3.Const(kI32, {1}, st, 4);
    const int out3 = b3.Act(kI8, {4}, 0.1f, 0);
    b3.Op(45, nullptr, {x3, c1, c2, c3}, {out3});
    ExpectPrepareError(b3, "stride", "slice zero stride");
    PlanBuilder b4(0);
    const int x4 = b4.Act(kI8, {1, 4, 4, 2}, 0.1f, 0);
    const int out4 = b4.Act(kI8, {1, 2, 2, 2}, 0.2f, 0);
    b4.Op(1, nullptr, {x4}, {out4}, {1, 2, 2, 2, 2, 0});
    ExpectPrepareError(b4, "quantization must be equal", "avgpool params");
    PlanBuilder b5(0);
    const int x5 = b5.Act(kI8, {1, 4, 4, 2}, 0.1f, 0);
    const int out5 = b5.Act(kI8, {1, 2, 2, 2}, 0.1f, 0);
    b5.Op(17, nullptr, {x5}, {out5}, {1, 2, 2, 0, 2, 0});
    ExpectPrepareError(b5, "filter size", "maxpool zero window");
    PlanBuilder b6(0);
    const int x6 = b6.Act(kI8, {1, 4, 4, 2}, 0.1f, 0);
    const int f6 = b6.Const(kI8, {2, 3, 3, 2}, w, sizeof(w), {0.1f});
    const int out6 = b6.Act(kI8, {1, 4, 4, 2}, 0.1f, 0);
    b6.Op(3, nullptr, {x6, f6}, {out6}, {0, 1, 1, 1, 1, 9});
    ExpectPrepareError(b6, "activation", "bad activation");
  }
}

// Per-op requant override: a MUL whose multiplier is exactly 0.25 turns product -2 into -0.5, which the gemmlowp
// double rounding sends to -1 (half away from zero) and the single rounding to 0 (half up).
void TestRequantOverride() {
  auto run = [](int plan_mode, int override_mode, int8_t* out) {
    PlanBuilder b(plan_mode);
    const int8_t xa[4] = {-1, -3, 1, 3}, xb[4] = {2, 2, 2, 2};
    const int x = b.Act(kI8, {4}, 0.5f, 0);
    const int64_t off_y = b.next_offset;
    const int y = b.Act(kI8, {4}, 0.5f, 0);
    const int64_t off_o = b.next_offset;
    const int o = b.Act(kI8, {4}, 1.0f, 0);
    const int op = b.Op(18, nullptr, {x, y}, {o});
    if (override_mode != -2) EXPECT_TRUE(edgert_plan_set_op_requant(b.plan, op, override_mode) == 0, "override");
    EXPECT_TRUE(edgert_plan_prepare(b.plan) == 0, "prepare: %s", edgert_plan_error(b.plan));
    uint8_t* arena = b.Arena();
    memcpy(arena, xa, 4);
    memcpy(arena + off_y, xb, 4);
    edgert_plan_run(b.plan, arena, nullptr);
    memcpy(out, arena + off_o, 4);
  };
  int8_t g[4], s[4], gs[4], sg[4], reset[4];
  run(EDGERT_REQUANT_GEMMLOWP, -2, g);
  run(EDGERT_REQUANT_SINGLE, -2, s);
  run(EDGERT_REQUANT_GEMMLOWP, EDGERT_REQUANT_SINGLE, gs);
  run(EDGERT_REQUANT_SINGLE, EDGERT_REQUANT_GEMMLOWP, sg);
  run(EDGERT_REQUANT_SINGLE, -1, reset);
  EXPECT_TRUE(g[0] == -1 && g[1] == -2 && g[2] == 1 && g[3] == 2, "gemmlowp %d %d %d %d", g[0], g[1], g[2], g[3]);
  EXPECT_TRUE(s[0] == 0 && s[1] == -1 && s[2] == 1 && s[3] == 2, "single %d %d %d %d", s[0], s[1], s[2], s[3]);
  EXPECT_TRUE(memcmp(gs, s, 4) == 0, "override to single");
  EXPECT_TRUE(memcmp(sg, g, 4) == 0, "override to gemmlowp");
  EXPECT_TRUE(memcmp(reset, s, 4) == 0, "override -1 keeps the plan's mode");
  PlanBuilder b(0);
  EXPECT_TRUE(edgert_plan_set_op_requant(b.plan, 0, 1) == -1, "no such op");
  const int x = b.Act(kI8, {4}, 0.5f, 0);
  b.Op(19, nullptr, {x}, {x});
  EXPECT_TRUE(edgert_plan_set_op_requant(b.plan, 0, 5) == -1, "bad mode");
  EXPECT_TRUE(strstr(edgert_plan_error(b.plan), "requant_mode") != nullptr, "message %s", edgert_plan_error(b.plan));
  // GEMMLOWP_UP is accepted as an override but only the convolution family implements it; it is no plan-wide mode.
  EXPECT_TRUE(edgert_plan_set_op_requant(b.plan, 0, EDGERT_REQUANT_GEMMLOWP_UP) == 0, "override 3");
  EXPECT_TRUE(edgert_plan_prepare(b.plan) == -1, "relu has no GEMMLOWP_UP");
  EXPECT_TRUE(strstr(edgert_plan_error(b.plan), "requant mode 3") != nullptr, "message %s", edgert_plan_error(b.plan));
  edgert_plan* p3 = edgert_plan_create(EDGERT_REQUANT_GEMMLOWP_UP);
  EXPECT_TRUE(edgert_plan_prepare(p3) == -1, "plan-wide 3");
  edgert_plan_destroy(p3);
}

// A small network (conv 3x3, depthwise 3x3, conv 1x1, ADD, average pool, MEAN, FULLY_CONNECTED), int8 or uint8,
// run with `threads` threads; returns the arena after `runs` inferences on the same input.
std::vector<uint8_t> RunNet(int dtype, int threads, int runs, int64_t min_work) {
  edgert::SetParallelMinWorkForTesting(min_work);
  const bool s8 = dtype == kI8;
  Rng rng(99);
  PlanBuilder b(EDGERT_REQUANT_GEMMLOWP);
  if (threads > 0) EXPECT_TRUE(edgert_plan_set_threads(b.plan, threads) == 0, "threads %d: %s", threads, edgert_plan_error(b.plan));
  const int h = 20, w = 20, c = 24, c2 = 48;
  const int64_t zp = s8 ? -5 : 120, fzp = s8 ? 0 : 131;
  auto weights = [&](int64_t n) {
    std::vector<uint8_t> v(n);
    for (auto& x : v) x = static_cast<uint8_t>(s8 ? rng.Int(-127, 127) : rng.Int(0, 255));
    return v;
  };
  auto bias = [&](int n) {
    std::vector<int32_t> v(n);
    for (auto& x : v) x = rng.Int(-5000, 5000);
    return v;
  };
  auto scales = [&](int n) {
    std::vector<float> v(s8 ? n : 1);
    for (auto& x : v) x = rng.Float(0.002f, 0.02f);
    return v;
  };
  const int in = b.Act(dtype, {1, h, w, c}, 0.05f, zp);
  const int64_t in_off = 0;
  std::vector<uint8_t> w1 = weights(int64_t{c2} * 9 * c), w2 = weights(9 * c2), w3 = weights(int64_t{c} * c2), w4 = weights(10 * c);
  std::vector<int32_t> b1 = bias(c2), b2 = bias(c2), b3 = bias(c), b4 = bias(10);
  std::vector<float> s1 = scales(c2), s2 = scales(c2), s3 = scales(c), s4 = scales(10);
  std::vector<int64_t> z1(s1.size(), fzp), z2(s2.size(), fzp), z3(s3.size(), fzp), z4(s4.size(), fzp);
  const int f1 = b.Const(dtype, {c2, 3, 3, c}, w1.data(), w1.size(), s1, z1, 0);
  const int f2 = b.Const(dtype, {1, 3, 3, c2}, w2.data(), w2.size(), s2, z2, 3);
  const int f3 = b.Const(dtype, {c, 1, 1, c2}, w3.data(), w3.size(), s3, z3, 0);
  const int f4 = b.Const(dtype, {10, c}, w4.data(), w4.size(), s4, z4, 0);
  const int bb1 = b.Const(kI32, {c2}, b1.data(), b1.size() * 4), bb2 = b.Const(kI32, {c2}, b2.data(), b2.size() * 4);
  const int bb3 = b.Const(kI32, {c}, b3.data(), b3.size() * 4), bb4 = b.Const(kI32, {10}, b4.data(), b4.size() * 4);
  const int32_t axes[] = {1, 2};
  const int ax = b.Const(kI32, {2}, axes, sizeof(axes));
  const int a1 = b.Act(dtype, {1, h, w, c2}, 0.1f, zp), a2 = b.Act(dtype, {1, h, w, c2}, 0.1f, zp);
  const int a3 = b.Act(dtype, {1, h, w, c}, 0.08f, zp), a4 = b.Act(dtype, {1, h, w, c}, 0.1f, zp);
  const int a5 = b.Act(dtype, {1, h / 2, w / 2, c}, 0.1f, zp), a6 = b.Act(dtype, {1, 1, 1, c}, 0.07f, zp);
  const int a7 = b.Act(dtype, {1, 10}, 0.2f, zp);
  EXPECT_TRUE(b.Op(3, nullptr, {in, f1, bb1}, {a1}, {0, 1, 1, 1, 1, 1}) >= 0, "conv");
  EXPECT_TRUE(b.Op(4, nullptr, {a1, f2, bb2}, {a2}, {0, 1, 1, 1, 1, 3, 1}) >= 0, "dw");
  EXPECT_TRUE(b.Op(3, nullptr, {a2, f3, bb3}, {a3}, {1, 1, 1, 1, 1, 0}) >= 0, "conv 1x1");
  EXPECT_TRUE(b.Op(0, nullptr, {a3, in}, {a4}, {0}) >= 0, "add");
  EXPECT_TRUE(b.Op(1, nullptr, {a4}, {a5}, {1, 2, 2, 2, 2, 0}) >= 0, "avgpool");
  EXPECT_TRUE(b.Op(40, nullptr, {a5, ax}, {a6}, {1}) >= 0, "mean");
  EXPECT_TRUE(b.Op(9, nullptr, {a6, f4, bb4}, {a7}, {0, 0}) >= 0, "fc");
  EXPECT_TRUE(edgert_plan_prepare(b.plan) == 0, "prepare: %s", edgert_plan_error(b.plan));
  if (threads > 0) EXPECT_TRUE(edgert_plan_threads(b.plan) == threads, "threads read back");
  uint8_t* arena = b.Arena();
  for (int i = 0; i < h * w * c; ++i) arena[in_off + i] = static_cast<uint8_t>(rng.Int(0, 255));
  for (int r = 0; r < runs; ++r) EXPECT_TRUE(edgert_plan_run(b.plan, arena, nullptr) == 0, "run: %s", edgert_plan_error(b.plan));
  edgert::SetParallelMinWorkForTesting(-1);
  return std::vector<uint8_t>(arena, arena + b.next_offset);
}

// Outputs are bit-identical for every thread count, with and without the work threshold, on repeated runs
// (workers reused, between spinning and sleeping); set_threads after prepare and back to 1 works.
void TestThreadCounts() {
  for (int dtype : {kI8, kU8}) {
    const std::vector<uint8_t> one = RunNet(dtype, 0, 1, -1);
    for (int threads : {1, 2, 3, 4, 7, 64}) {
      for (int64_t min_work : {int64_t{-1}, int64_t{0}}) {
        const std::vector<uint8_t> got = RunNet(dtype, threads, 5, min_work);
        EXPECT_TRUE(got == one, "dtype %d, %d threads, min work %lld: outputs differ from one thread", dtype, threads,
                    (long long)min_work);
      }
    }
  }
  PlanBuilder b(EDGERT_REQUANT_GEMMLOWP);
  EXPECT_TRUE(edgert_plan_threads(b.plan) == 1, "default 1 thread");
  for (int bad : {0, -1, 65, 1000}) {
    EXPECT_TRUE(edgert_plan_set_threads(b.plan, bad) == -1, "threads %d rejected", bad);
    EXPECT_TRUE(strstr(edgert_plan_error(b.plan), "threads must be in [1, 64]") != nullptr, "message: %s", edgert_plan_error(b.plan));
    EXPECT_TRUE(edgert_plan_threads(b.plan) == 1, "unchanged after a bad value");
  }
  EXPECT_TRUE(edgert_plan_set_threads(nullptr, 2) == -1, "NULL plan");
  EXPECT_TRUE(edgert_plan_threads(nullptr) == 0, "NULL plan threads");
  EXPECT_TRUE(edgert_plan_set_threads(b.plan, 4) == 0 && edgert_plan_threads(b.plan) == 4, "4");
  EXPECT_TRUE(edgert_plan_set_threads(b.plan, 1) == 0 && edgert_plan_threads(b.plan) == 1, "back to 1");
}

// The pool itself: every task runs exactly once per region, workers take part, regions reuse the same workers.
void TestPool() {
  edgert::ThreadPool pool(3);
  EXPECT_TRUE(pool.threads() == 3, "threads");
  for (int region = 0; region < 200; ++region) {
    const int n = region == 0 ? 16 : 1 + region % 37;
    std::vector<std::atomic<int>> hits(n);
    std::atomic<int> by_workers{0};
    struct Ctx {
      std::vector<std::atomic<int>>* hits;
      std::atomic<int>* by_workers;
      bool slow;
    } ctx{&hits, &by_workers, region == 0};
    pool.Run(n, [](void* v, int worker, int task) {
      Ctx* c = static_cast<Ctx*>(v);
      (*c->hits)[task].fetch_add(1);
      if (worker != 0) c->by_workers->fetch_add(1);
      if (worker < 0 || worker >= 3) c->by_workers->fetch_add(1000000);  // (EXPECT_TRUE is not thread-safe)
      if (c->slow) {  // the first region: tasks long enough that a sleeping worker surely wakes and joins
        const int64_t t0 = NowNanos();
        while (NowNanos() - t0 < 2000000) {
        }
      }
    }, &ctx);
    for (int t = 0; t < n; ++t) EXPECT_TRUE(hits[t].load() == 1, "region %d task %d ran %d times", region, t, hits[t].load());
    EXPECT_TRUE(by_workers.load() < 1000000, "region %d: a worker id outside [0, 3)", region);
    if (region == 0) EXPECT_TRUE(by_workers.load() > 0, "workers took no task of %d 2-ms tasks", n);
  }
}

}  // namespace

// The int8 peak probe: a rate exactly where this build has one for the CPU (x86-64 with AVX-512 VNNI), in a
// range no core reaches (a loop removed by the compiler would read as infinite).
void TestPeakProbe() {
  const double gops = edgert_cpu_int8_peak_gops(5);
#if defined(__x86_64__)
  const bool probed = (edgert_cpu_features() & EDGERT_CPU_AVX512VNNI) != 0;
#else
  const bool probed = false;
#endif
  EXPECT_TRUE(probed ? gops > 1.0 && gops < 1e5 : gops == 0.0, "peak %.1f GOPS (probed %d)", gops, probed);
}

int main() {
  TestPeakProbe();
  TestThreadCounts();
  TestPool();
  TestRequantOverride();
  TestRegistry();
  TestTwoOpPlan();
  TestErrors();
  return Finish("plan_test");
}
