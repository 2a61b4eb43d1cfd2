// The kernel registry (see kernel_config.h). Built once (std::call_once) from the per-family tables below.
#include <stdlib.h>
#include <string.h>

#include <mutex>
#include <string>
#include <vector>

#include "config/kernel_config.h"
#include "edgert/plan.h"
#include "kernels/add-qs8/vadd_qs8.h"
#include "kernels/dwconv-qs8/dwconv_qs8.h"
#include "kernels/gemm-qs8/gemm_qs8.h"
#include "kernels/quantize-f32/vcvt_f32.h"
#include "pack/gemm_pack.h"
#include "pack/gemm_pack_arm.h"
#include "pack/lut_pack.h"

namespace edgert {
namespace {

constexpr int S8 = kInt8;
constexpr int U8 = kUInt8;
constexpr int F32 = kFloat32;
constexpr int ANY = kAnyDtype;

#define REF(id, builtin, in, out, fn) {id, builtin, in, out, "ref", 0, kAllRequantModes, fn}
#define REF_CONV(id, builtin, in, out, fn) {id, builtin, in, out, "ref", 0, kConvRequantModes, fn}

constexpr uint64_t kCpuAvx512Vnni =
    EDGERT_CPU_AVX512F | EDGERT_CPU_AVX512BW | EDGERT_CPU_AVX512VL | EDGERT_CPU_AVX512VNNI;
constexpr uint64_t kCpuAvx2 = EDGERT_CPU_AVX2 | EDGERT_CPU_FMA;
// AVX-VNNI: 256-bit VEX vpdpbusd (Alder Lake and later client cores), with AVX2 for everything else.
constexpr uint64_t kCpuAvxVnni = kCpuAvx2 | EDGERT_CPU_AVXVNNI;
// AMX-INT8 tiles, with the AVX-512 VNNI requantization around them (every AMX CPU has AVX-512).
constexpr uint64_t kCpuAmx = kCpuAvx512Vnni | EDGERT_CPU_AMX_INT8;
// arm64 tiers, cumulative (every i8mm core has dotprod).
constexpr uint64_t kCpuNeon = EDGERT_CPU_ASIMD;
constexpr uint64_t kCpuNeonDot = kCpuNeon | EDGERT_CPU_DOTPROD;
constexpr uint64_t kCpuNeonI8mm = kCpuNeonDot | EDGERT_CPU_I8MM;
// The two integer plan modes (not FP32).
constexpr uint32_t kIntegerPlanModes = (1u << EDGERT_REQUANT_GEMMLOWP) | (1u << EDGERT_REQUANT_SINGLE);

// Families, each best first, ref last. Add faster variants above the ref line of their family. x86 and arm64
// variants are compiled for their own architecture only (native/Makefile selects their files by target).
const KernelVariant kVariants[] = {
#if defined(__x86_64__)
    {"conv2d_qs8_gemm_32x32c4_amx", kConv2d, S8, S8, "amx", kCpuAmx, kGemmSimdRequantModes,
     kernels::conv2d_qs8_gemm_32x32c4_amx, AmxConvApplies, kernels::pack_gemm_qs8_conv_amx},
    {"conv2d_qs8_gemm_8x16c4_avx512vnni", kConv2d, S8, S8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::conv2d_qs8_gemm_8x16c4_avx512vnni, GemmConvApplies, kernels::pack_gemm_qs8_conv_u8c4},
    {"conv2d_qs8_gemm_4x16c4_avxvnni", kConv2d, S8, S8, "avxvnni", kCpuAvxVnni, kGemmSimdRequantModes,
     kernels::conv2d_qs8_gemm_4x16c4_avxvnni, GemmConvApplies, kernels::pack_gemm_qs8_conv_u8c4_rows},
    {"conv2d_qs8_gemm_4x16c2_avx2", kConv2d, S8, S8, "avx2", kCpuAvx2, kGemmSimdRequantModes,
     kernels::conv2d_qs8_gemm_4x16c2_avx2, GemmConvApplies, kernels::pack_gemm_qs8_conv_i16c2x16},
#elif defined(__aarch64__)
    {"conv2d_qs8_gemm_4x8c8_neoni8mm", kConv2d, S8, S8, "neoni8mm", kCpuNeonI8mm, kGemmSimdRequantModes,
     kernels::conv2d_qs8_gemm_4x8c8_neoni8mm, GemmConvApplies, kernels::pack_gemm_qs8_conv_armc8},
    {"conv2d_qs8_gemm_4x8c4_neondot", kConv2d, S8, S8, "neondot", kCpuNeonDot, kGemmSimdRequantModes,
     kernels::conv2d_qs8_gemm_4x8c4_neondot, GemmConvApplies, kernels::pack_gemm_qs8_conv_armc4},
    {"conv2d_qs8_gemm_4x8c4_neon", kConv2d, S8, S8, "neon", kCpuNeon, kGemmSimdRequantModes,
     kernels::conv2d_qs8_gemm_4x8c4_neon, GemmConvApplies, kernels::pack_gemm_qs8_conv_armc4},
#endif
    REF_CONV("conv2d_qs8_direct_ref", kConv2d, S8, S8, ref::conv2d_qs8_direct),
#if defined(__x86_64__)
    {"conv2d_qu8_gemm_32x32c4_amx", kConv2d, U8, U8, "amx", kCpuAmx, kGemmSimdRequantModes,
     kernels::conv2d_qu8_gemm_32x32c4_amx, AmxConvQu8Applies, kernels::pack_gemm_qu8_conv_amx},
    {"conv2d_qu8_gemm_8x16c4_avx512vnni", kConv2d, U8, U8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::conv2d_qu8_gemm_8x16c4_avx512vnni, GemmConvQu8Applies, kernels::pack_gemm_qu8_conv_u8c4},
    {"conv2d_qu8_gemm_8x16c2_avx512vnni", kConv2d, U8, U8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::conv2d_qu8_gemm_8x16c2_avx512vnni, GemmConvQu8Applies, kernels::pack_gemm_qu8_conv_i16c2x16},
    {"conv2d_qu8_gemm_4x16c4_avxvnni", kConv2d, U8, U8, "avxvnni", kCpuAvxVnni, kGemmSimdRequantModes,
     kernels::conv2d_qu8_gemm_4x16c4_avxvnni, GemmConvQu8Applies, kernels::pack_gemm_qu8_conv_u8c4},
    {"conv2d_qu8_gemm_4x16c2_avx2", kConv2d, U8, U8, "avx2", kCpuAvx2, kGemmSimdRequantModes,
     kernels::conv2d_qu8_gemm_4x16c2_avx2, GemmConvQu8Applies, kernels::pack_gemm_qu8_conv_i16c2x16},
#elif defined(__aarch64__)
    {"conv2d_qu8_gemm_4x8_neon", kConv2d, U8, U8, "neon", kCpuNeon, kGemmSimdRequantModes,
     kernels::conv2d_qu8_gemm_4x8_neon, GemmConvQu8Applies, kernels::pack_gemm_qu8_conv_armi16},
#endif
    REF_CONV("conv2d_qu8_direct_ref", kConv2d, U8, U8, ref::conv2d_qu8_direct),
#if defined(__x86_64__)
    {"dwconv_qs8_gemm_8x16c4_avx512vnni", kDepthwiseConv2d, S8, S8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::conv2d_qs8_gemm_8x16c4_avx512vnni, GemmDwApplies, kernels::pack_gemm_qs8_dw_u8c4},
    {"dwconv_qs8_gemm_4x16c2_avx2", kDepthwiseConv2d, S8, S8, "avx2", kCpuAvx2, kGemmSimdRequantModes,
     kernels::conv2d_qs8_gemm_4x16c2_avx2, GemmDwApplies, kernels::pack_gemm_qs8_dw_i16c2x16},
    {"dwconv_qs8_rows_32c2_avx512vnni", kDepthwiseConv2d, S8, S8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::dwconv_qs8_rows_32c2_avx512vnni, DwRowsApplies, PackDwRows},
    {"dwconv_qs8_direct_32c2_avx512vnni", kDepthwiseConv2d, S8, S8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::dwconv_qs8_direct_32c2_avx512vnni, DwApplies, PackDwC2},
    {"dwconv_qs8_direct_32c2_avx2", kDepthwiseConv2d, S8, S8, "avx2", kCpuAvx2, kGemmSimdRequantModes,
     kernels::dwconv_qs8_direct_32c2_avx2, DwC2Avx2Applies, PackDwC2},
    {"dwconv_qs8_direct_8c_avx2", kDepthwiseConv2d, S8, S8, "avx2", kCpuAvx2, kGemmSimdRequantModes,
     kernels::dwconv_qs8_direct_8c_avx2, DwAnyDmApplies, PackDw},
#elif defined(__aarch64__)
    {"dwconv_qs8_direct_16c_neon", kDepthwiseConv2d, S8, S8, "neon", kCpuNeon, kGemmSimdRequantModes,
     kernels::dwconv_qs8_direct_16c_neon, DwAnyDmApplies, PackDwArm},
#endif
    REF_CONV("dwconv_qs8_direct_ref", kDepthwiseConv2d, S8, S8, ref::dwconv_qs8_direct),
#if defined(__x86_64__)
    {"dwconv_qu8_gemm_8x16c2_avx512vnni", kDepthwiseConv2d, U8, U8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::conv2d_qu8_gemm_8x16c2_avx512vnni, GemmDwQu8Applies, kernels::pack_gemm_qu8_dw_i16c2x16},
    {"dwconv_qu8_gemm_4x16c2_avx2", kDepthwiseConv2d, U8, U8, "avx2", kCpuAvx2, kGemmSimdRequantModes,
     kernels::conv2d_qu8_gemm_4x16c2_avx2, GemmDwQu8Applies, kernels::pack_gemm_qu8_dw_i16c2x16},
    {"dwconv_qu8_rows_32c2_avx512vnni", kDepthwiseConv2d, U8, U8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::dwconv_qu8_rows_32c2_avx512vnni, DwRowsQu8Applies, PackDwRowsQu8},
    {"dwconv_qu8_direct_32c2_avx512vnni", kDepthwiseConv2d, U8, U8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::dwconv_qu8_direct_32c2_avx512vnni, DwQu8Applies, PackDwC2Qu8},
    {"dwconv_qu8_direct_32c2_avx2", kDepthwiseConv2d, U8, U8, "avx2", kCpuAvx2, kGemmSimdRequantModes,
     kernels::dwconv_qu8_direct_32c2_avx2, DwC2Avx2Qu8Applies, PackDwC2Qu8},
    {"dwconv_qu8_direct_8c_avx2", kDepthwiseConv2d, U8, U8, "avx2", kCpuAvx2, kGemmSimdRequantModes,
     kernels::dwconv_qu8_direct_8c_avx2, DwQu8AnyDmApplies, PackDwQu8},
#elif defined(__aarch64__)
    {"dwconv_qu8_direct_16c_neon", kDepthwiseConv2d, U8, U8, "neon", kCpuNeon, kGemmSimdRequantModes,
     kernels::dwconv_qu8_direct_16c_neon, DwQu8AnyDmApplies, PackDwArmQu8},
#endif
    REF_CONV("dwconv_qu8_direct_ref", kDepthwiseConv2d, U8, U8, ref::dwconv_qu8_direct),
#if defined(__x86_64__)
    {"fc_qs8_gemm_8x16c4_avx512vnni", kFullyConnected, S8, S8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::fc_qs8_gemm_8x16c4_avx512vnni, GemmFcApplies, kernels::pack_gemm_qs8_fc_u8c4},
    {"fc_qs8_gemm_4x16c4_avxvnni", kFullyConnected, S8, S8, "avxvnni", kCpuAvxVnni, kGemmSimdRequantModes,
     kernels::fc_qs8_gemm_4x16c4_avxvnni, GemmFcApplies, kernels::pack_gemm_qs8_fc_u8c4},
    {"fc_qs8_gemm_4x16c2_avx2", kFullyConnected, S8, S8, "avx2", kCpuAvx2, kGemmSimdRequantModes,
     kernels::fc_qs8_gemm_4x16c2_avx2, GemmFcApplies, kernels::pack_gemm_qs8_fc_i16c2x16},
#elif defined(__aarch64__)
    {"fc_qs8_gemm_4x8c8_neoni8mm", kFullyConnected, S8, S8, "neoni8mm", kCpuNeonI8mm, kGemmSimdRequantModes,
     kernels::fc_qs8_gemm_4x8c8_neoni8mm, GemmFcApplies, kernels::pack_gemm_qs8_fc_armc8},
    {"fc_qs8_gemm_4x8c4_neondot", kFullyConnected, S8, S8, "neondot", kCpuNeonDot, kGemmSimdRequantModes,
     kernels::fc_qs8_gemm_4x8c4_neondot, GemmFcApplies, kernels::pack_gemm_qs8_fc_armc4},
    {"fc_qs8_gemm_4x8c4_neon", kFullyConnected, S8, S8, "neon", kCpuNeon, kGemmSimdRequantModes,
     kernels::fc_qs8_gemm_4x8c4_neon, GemmFcApplies, kernels::pack_gemm_qs8_fc_armc4},
#endif
    REF_CONV("fc_qs8_ref", kFullyConnected, S8, S8, ref::fc_qs8),
#if defined(__x86_64__)
    {"fc_qu8_gemm_8x16c4_avx512vnni", kFullyConnected, U8, U8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::fc_qu8_gemm_8x16c4_avx512vnni, GemmFcQu8Applies, kernels::pack_gemm_qu8_fc_u8c4},
    {"fc_qu8_gemm_8x16c2_avx512vnni", kFullyConnected, U8, U8, "avx512vnni", kCpuAvx512Vnni, kGemmSimdRequantModes,
     kernels::fc_qu8_gemm_8x16c2_avx512vnni, GemmFcQu8Applies, kernels::pack_gemm_qu8_fc_i16c2x16},
    {"fc_qu8_gemm_4x16c4_avxvnni", kFullyConnected, U8, U8, "avxvnni", kCpuAvxVnni, kGemmSimdRequantModes,
     kernels::fc_qu8_gemm_4x16c4_avxvnni, GemmFcQu8Applies, kernels::pack_gemm_qu8_fc_u8c4},
    {"fc_qu8_gemm_4x16c2_avx2", kFullyConnected, U8, U8, "avx2", kCpuAvx2, kGemmSimdRequantModes,
     kernels::fc_qu8_gemm_4x16c2_avx2, GemmFcQu8Applies, kernels::pack_gemm_qu8_fc_i16c2x16},
#elif defined(__aarch64__)
    {"fc_qu8_gemm_4x8_neon", kFullyConnected, U8, U8, "neon", kCpuNeon, kGemmSimdRequantModes,
     kernels::fc_qu8_gemm_4x8_neon, GemmFcQu8Applies, kernels::pack_gemm_qu8_fc_armi16},
#endif
    REF_CONV("fc_qu8_ref", kFullyConnected, U8, U8, ref::fc_qu8),
#if defined(__x86_64__)
    {"add_qs8_vadd_avx512vnni", kAdd, S8, S8, "avx512vnni", kCpuAvx512Vnni, kVaddAvx512Modes,
     kernels::add_qs8_vadd_avx512vnni, kernels::VaddApplies, nullptr},
    {"add_qs8_vadd_avx2", kAdd, S8, S8, "avx2", kCpuAvx2, 1u << EDGERT_REQUANT_GEMMLOWP, kernels::add_qs8_vadd_avx2,
     kernels::VaddApplies, nullptr},
#elif defined(__aarch64__)
    {"add_qs8_vadd_neon", kAdd, S8, S8, "neon", kCpuNeon, 1u << EDGERT_REQUANT_GEMMLOWP, kernels::add_qs8_vadd_neon,
     kernels::VaddNeonApplies, nullptr},
#endif
    REF("add_qs8_ref", kAdd, S8, S8, ref::add_qs8),
#if defined(__x86_64__)
    {"add_qu8_vadd_avx512vnni", kAdd, U8, U8, "avx512vnni", kCpuAvx512Vnni, kVaddAvx512Modes,
     kernels::add_qu8_vadd_avx512vnni, kernels::VaddApplies, nullptr},
#endif
    REF("add_qu8_ref", kAdd, U8, U8, ref::add_qu8),
#if defined(__x86_64__)
    {"sub_qs8_vadd_avx512vnni", kSub, S8, S8, "avx512vnni", kCpuAvx512Vnni, kVaddAvx512Modes,
     kernels::add_qs8_vadd_avx512vnni, kernels::VaddApplies, nullptr},
    {"sub_qs8_vadd_avx2", kSub, S8, S8, "avx2", kCpuAvx2, 1u << EDGERT_REQUANT_GEMMLOWP, kernels::add_qs8_vadd_avx2,
     kernels::VaddApplies, nullptr},
#elif defined(__aarch64__)
    {"sub_qs8_vadd_neon", kSub, S8, S8, "neon", kCpuNeon, 1u << EDGERT_REQUANT_GEMMLOWP, kernels::add_qs8_vadd_neon,
     kernels::VaddNeonApplies, nullptr},
#endif
    REF("sub_qs8_ref", kSub, S8, S8, ref::add_qs8),  // negated input2 multiplier, as TFLite's sub.cc
#if defined(__x86_64__)
    {"sub_qu8_vadd_avx512vnni", kSub, U8, U8, "avx512vnni", kCpuAvx512Vnni, kVaddAvx512Modes,
     kernels::add_qu8_vadd_avx512vnni, kernels::VaddApplies, nullptr},
#endif
    REF("sub_qu8_ref", kSub, U8, U8, ref::add_qu8),
    REF("mul_qs8_ref", kMul, S8, S8, ref::mul_qs8),
    REF("mul_qu8_ref", kMul, U8, U8, ref::mul_qu8),
    REF("avgpool_qs8_ref", kAveragePool2d, S8, S8, ref::avgpool_qs8),
    REF("avgpool_qu8_ref", kAveragePool2d, U8, U8, ref::avgpool_qu8),
    REF("maxpool_qs8_ref", kMaxPool2d, S8, S8, ref::maxpool_qs8),
    REF("maxpool_qu8_ref", kMaxPool2d, U8, U8, ref::maxpool_qu8),
    REF("mean_qs8_ref", kMean, S8, S8, ref::mean_qs8),
    REF("mean_qu8_ref", kMean, U8, U8, ref::mean_qu8),
    REF("softmax_qs8_ref", kSoftmax, S8, S8, ref::softmax_qs8),
    REF("softmax_qu8_ref", kSoftmax, U8, U8, ref::softmax_qu8),
    // TFLite's uint16-LUT softmax (aarch64 + clang builds, e.g. Android): chosen by id, never by default.
    REF("softmax_qs8_lut16_ref", kSoftmax, S8, S8, ref::softmax_qs8_lut16),
    REF("softmax_qu8_lut16_ref", kSoftmax, U8, U8, ref::softmax_qu8_lut16),
    REF("logistic_qs8_lut_ref", kLogistic, S8, S8, ref::lut_x8),
    REF("logistic_qu8_lut_ref", kLogistic, U8, U8, ref::lut_x8),
    REF("tanh_qs8_lut_ref", kTanh, S8, S8, ref::lut_x8),
    REF("tanh_qu8_lut_ref", kTanh, U8, U8, ref::lut_x8),
    REF("hardswish_qs8_ref", kHardSwish, S8, S8, ref::hardswish_qs8),
    REF("hardswish_qu8_ref", kHardSwish, U8, U8, ref::hardswish_qu8),
    REF("leakyrelu_qs8_ref", kLeakyRelu, S8, S8, ref::leakyrelu_qs8),
    REF("leakyrelu_qu8_ref", kLeakyRelu, U8, U8, ref::leakyrelu_qu8),
    REF("relu_qs8_ref", kRelu, S8, S8, ref::relu_qs8),
    REF("relu_qu8_ref", kRelu, U8, U8, ref::relu_qu8),
    REF("relu6_qs8_ref", kRelu6, S8, S8, ref::relu_qs8),
    REF("relu6_qu8_ref", kRelu6, U8, U8, ref::relu_qu8),
    REF("relun1to1_qs8_ref", kReluN1To1, S8, S8, ref::relu_qs8),
    REF("relun1to1_qu8_ref", kReluN1To1, U8, U8, ref::relu_qu8),
    REF("reshape_any_ref", kReshape, ANY, ANY, ref::copy_any),
    REF("squeeze_any_ref", kSqueeze, ANY, ANY, ref::copy_any),
    REF("concat_qs8_ref", kConcatenation, S8, S8, ref::concat_qs8),
    REF("concat_qu8_ref", kConcatenation, U8, U8, ref::concat_qu8),
    REF("concat_any_ref", kConcatenation, ANY, ANY, ref::concat_any),
    REF("pad_any_ref", kPad, ANY, ANY, ref::pad_any),
    REF("padv2_any_ref", kPadV2, ANY, ANY, ref::pad_any),
    REF("stridedslice_any_ref", kStridedSlice, ANY, ANY, ref::slice_any),
    REF("transpose_any_ref", kTranspose, ANY, ANY, ref::transpose_any),
#if defined(__x86_64__)
    {"quantize_f32_qs8_vcvt_avx512vnni", kQuantize, F32, S8, "avx512vnni", kCpuAvx512Vnni, kIntegerPlanModes,
     kernels::quantize_f32_qs8_vcvt_avx512vnni},
    {"quantize_f32_qs8_vcvt_avx2", kQuantize, F32, S8, "avx2", kCpuAvx2, kIntegerPlanModes, kernels::quantize_f32_qs8_vcvt_avx2},
#elif defined(__aarch64__)
    {"quantize_f32_qs8_vcvt_neon", kQuantize, F32, S8, "neon", kCpuNeon, kIntegerPlanModes, kernels::quantize_f32_qs8_vcvt_neon},
#endif
    REF("quantize_f32_qs8_ref", kQuantize, F32, S8, ref::quantize_f32_qs8),
#if defined(__x86_64__)
    {"quantize_f32_qu8_vcvt_avx512vnni", kQuantize, F32, U8, "avx512vnni", kCpuAvx512Vnni, kIntegerPlanModes,
     kernels::quantize_f32_qu8_vcvt_avx512vnni},
    {"quantize_f32_qu8_vcvt_avx2", kQuantize, F32, U8, "avx2", kCpuAvx2, kIntegerPlanModes, kernels::quantize_f32_qu8_vcvt_avx2},
#elif defined(__aarch64__)
    {"quantize_f32_qu8_vcvt_neon", kQuantize, F32, U8, "neon", kCpuNeon, kIntegerPlanModes, kernels::quantize_f32_qu8_vcvt_neon},
#endif
    REF("quantize_f32_qu8_ref", kQuantize, F32, U8, ref::quantize_f32_qu8),
    // Table built at prepare by the ref kernel below (pack/lut_pack.h): exact in every mode, one load per element.
    {"quantize_qs8_qs8_lut_ref", kQuantize, S8, S8, "ref", 0, kAllRequantModes, ref::lut_x8, nullptr,
     pack_lut_requantize_qs8_qs8},
    REF("quantize_qs8_qs8_ref", kQuantize, S8, S8, ref::requantize_qs8_qs8),
    // Table built at prepare by the ref kernel below (pack/lut_pack.h): exact in every mode, one load per element.
    {"quantize_qs8_qu8_lut_ref", kQuantize, S8, U8, "ref", 0, kAllRequantModes, ref::lut_x8, nullptr,
     pack_lut_requantize_qs8_qu8},
    REF("quantize_qs8_qu8_ref", kQuantize, S8, U8, ref::requantize_qs8_qu8),
    // Table built at prepare by the ref kernel below (pack/lut_pack.h): exact in every mode, one load per element.
    {"quantize_qu8_qs8_lut_ref", kQuantize, U8, S8, "ref", 0, kAllRequantModes, ref::lut_x8, nullptr,
     pack_lut_requantize_qu8_qs8},
    REF("quantize_qu8_qs8_ref", kQuantize, U8, S8, ref::requantize_qu8_qs8),
    // Table built at prepare by the ref kernel below (pack/lut_pack.h): exact in every mode, one load per element.
    {"quantize_qu8_qu8_lut_ref", kQuantize, U8, U8, "ref", 0, kAllRequantModes, ref::lut_x8, nullptr,
     pack_lut_requantize_qu8_qu8},
    REF("quantize_qu8_qu8_ref", kQuantize, U8, U8, ref::requantize_qu8_qu8),
    REF("dequantize_qs8_f32_ref", kDequantize, S8, F32, ref::dequantize_qs8_f32),
    REF("dequantize_qu8_f32_ref", kDequantize, U8, F32, ref::dequantize_qu8_f32),
};
#undef REF

constexpr int kNumVariants = static_cast<int>(sizeof(kVariants) / sizeof(kVariants[0]));

struct IsaFilter {
  bool all = true;
  std::vector<std::string> allowed;
};

const IsaFilter& Filter() {
  static std::once_flag once;
  static IsaFilter filter;
  std::call_once(once, [] {
    const char* env = getenv("EDGERT_ISA");
    if (env == nullptr || env[0] == '\0') return;
    filter.all = false;
    std::string s(env);
    size_t start = 0;
    while (start <= s.size()) {
      size_t comma = s.find(',', start);
      if (comma == std::string::npos) comma = s.size();
      if (comma > start) filter.allowed.push_back(s.substr(start, comma - start));
      start = comma + 1;
    }
  });
  return filter;
}

}  // namespace

int KernelCount() { return kNumVariants; }

const KernelVariant& KernelAt(int i) { return kVariants[i]; }

const KernelVariant* FindKernel(const char* id) {
  if (id == nullptr) return nullptr;
  for (const KernelVariant& v : kVariants) {
    if (strcmp(v.id, id) == 0) return &v;
  }
  return nullptr;
}

bool KernelEnabled(const KernelVariant& v) {
  if ((edgert_cpu_features() & v.cpu_required) != v.cpu_required) return false;
  const IsaFilter& f = Filter();
  if (f.all || strcmp(v.isa, "ref") == 0) return true;
  for (const std::string& a : f.allowed) {
    if (a == v.isa) return true;
  }
  return false;
}

bool KernelMatches(const KernelVariant& v, int builtin, int in_dtype, int out_dtype) {
  return v.builtin == builtin && (v.in_dtype == kAnyDtype || v.in_dtype == in_dtype) &&
         (v.out_dtype == kAnyDtype || v.out_dtype == out_dtype);
}

const KernelVariant* PickKernel(int builtin, int in_dtype, int out_dtype, int requant_mode, const OpParams* p) {
  for (const KernelVariant& v : kVariants) {
    if (KernelMatches(v, builtin, in_dtype, out_dtype) && (v.requant_modes & (1u << requant_mode)) != 0 &&
        KernelEnabled(v) && (p == nullptr || v.applies == nullptr || v.applies(*p))) {
      return &v;
    }
  }
  return nullptr;
}

}  // namespace edgert

extern "C" {

int edgert_kernel_count(void) { return edgert::KernelCount(); }

const char* edgert_kernel_id(int i) {
  return i >= 0 && i < edgert::KernelCount() ? edgert::KernelAt(i).id : nullptr;
}

int edgert_kernel_builtin(int i) {
  return i >= 0 && i < edgert::KernelCount() ? edgert::KernelAt(i).builtin : -1;
}

int edgert_kernel_requant_modes(int i) {
  return i >= 0 && i < edgert::KernelCount() ? static_cast<int>(edgert::KernelAt(i).requant_modes) : 0;
}

int edgert_kernel_cpu_supported(int i) {
  if (i < 0 || i >= edgert::KernelCount()) return 0;
  const edgert::KernelVariant& v = edgert::KernelAt(i);
  return (edgert_cpu_features() & v.cpu_required) == v.cpu_required ? 1 : 0;
}

int edgert_kernel_check(const char* kernel_id, int builtin_code, int in_dtype, int out_dtype, int requant_mode) {
  const edgert::KernelVariant* v = edgert::FindKernel(kernel_id);
  if (v == nullptr) return EDGERT_KERNEL_NOT_COMPILED;
  if (!edgert::KernelMatches(*v, builtin_code, in_dtype, out_dtype)) return EDGERT_KERNEL_WRONG_OP;
  if (!edgert::KernelEnabled(*v)) return EDGERT_KERNEL_CPU_UNSUPPORTED;
  if (requant_mode < 0 || requant_mode > 31 || (v->requant_modes & (1u << requant_mode)) == 0) {
    return EDGERT_KERNEL_NO_REQUANT_MODE;
  }
  return EDGERT_KERNEL_OK;
}

int edgert_kernel_enabled(int i) {
  return i >= 0 && i < edgert::KernelCount() && edgert::KernelEnabled(edgert::KernelAt(i)) ? 1 : 0;
}

}  // extern "C"
