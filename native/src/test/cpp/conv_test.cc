// CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED against the oracle: strides, dilation, SAME/VALID, groups, depth
// multiplier, per-channel and per-tensor weights, optional bias, fused activations, zero points at the extremes,
// tiny and > 1 multipliers, exact power-of-two multipliers (ties in the rounding right shift), -128 inputs, all four
// requant modes (GEMMLOWP_UP as a per-op override); random shapes for the tiled SIMD variants, which are skipped
// (and listed) for modes they do not declare and ops they do not apply to.
#include "conv_tester.h"

using edgert_test::ConvTester;

namespace {

int RunCases() {
  int cases = 0;
  const int modes[] = {EDGERT_REQUANT_GEMMLOWP, EDGERT_REQUANT_SINGLE, EDGERT_REQUANT_FP32, EDGERT_REQUANT_GEMMLOWP_UP};
  const int dtypes[] = {edgert_test::kI8, edgert_test::kU8};
  uint64_t seed = 1;
  for (int mode : modes) {
    for (int dt : dtypes) {
      const bool s8 = dt == edgert_test::kI8;
      const int zlo = s8 ? -128 : 0, zhi = s8 ? 127 : 255, zmid = s8 ? -3 : 128;
      for (ConvTester::Kind kind : {ConvTester::kConv, ConvTester::kDepthwise, ConvTester::kFc}) {
        // Plain, both paddings, strides, dilation.
        for (int padding : {0, 1}) {
          for (int stride : {1, 2}) {
            for (int dil : {1, 2}) {
              if (kind == ConvTester::kFc && (padding || stride > 1 || dil > 1)) continue;
              ConvTester t;
              t.kind(kind).dtype(dt).mode(mode).input(2, 7, 6, 3).kernel(3, 2).stride(stride, stride + (kind == ConvTester::kConv))
                  .dilation(dil, dil).padding(padding).out_channels(5).input_zp(zmid).output_zp(zmid).seed(seed++);
              if (kind == ConvTester::kDepthwise) t.depth_multiplier(2);
              if (!s8) t.per_channel(false).filter_zp(117);
              cases += t.Test("geometry");
            }
          }
        }
        // Zero points at the extremes, -128/0 inputs and max filters, saturation both ways.
        for (int zin : {zlo, zhi}) {
          for (int zout : {zlo, zhi}) {
            ConvTester t;
            t.kind(kind).dtype(dt).mode(mode).input(1, 4, 4, 4).kernel(2, 2).out_channels(3).input_zp(zin).output_zp(zout)
                .extremes(true).scales(0.5f, 0.05f, 0.02f).seed(seed++);
            if (!s8) t.per_channel(false).filter_zp(s8 ? 0 : 255);
            cases += t.Test("extreme zero points");
          }
        }
        // Multipliers: tiny (shift far right), just below 1, above 1 (left shift), per-tensor and per-channel.
        const float outs[] = {1000.0f, 0.0026f, 0.0002f, 0.00002f};
        for (float out_s : outs) {
          for (bool pc : {true, false}) {
            if (!s8 && pc) continue;
            ConvTester t;
            t.kind(kind).dtype(dt).mode(mode).input(1, 3, 3, 2).kernel(1, 1).out_channels(4).per_channel(pc).scales(0.05f, 0.05f, out_s)
                .input_zp(zmid).output_zp(zmid).seed(seed++);
            if (!s8) t.filter_zp(100);
            cases += t.Test("multiplier range");
          }
        }
        // Exact power-of-two multipliers (0.5 * 0.25 / 1 = 2^-3, and 2^-6): half the outputs are exact ties of the
        // rounding right shift, negative ones included, where GEMMLOWP and GEMMLOWP_UP differ.
        for (float out_s : {1.0f, 8.0f}) {
          ConvTester t;
          t.kind(kind).dtype(dt).mode(mode).input(1, 4, 4, 3).kernel(2, 2).out_channels(3).per_channel(false)
              .scales(0.5f, 0.25f, out_s).input_zp(zmid).output_zp(zmid).seed(seed++);
          if (!s8) t.filter_zp(128);
          cases += t.Test("power-of-two multiplier");
        }
        // No bias, fused activations.
        for (int act : {0, 1, 2, 3}) {
          ConvTester t;
          t.kind(kind).dtype(dt).mode(mode).input(1, 5, 5, 2).kernel(3, 3).out_channels(2).bias(act % 2 == 0).activation(act)
              .scales(0.1f, 0.02f, 0.03f).input_zp(zmid).output_zp(s8 ? -20 : 60).seed(seed++);
          if (!s8) t.per_channel(false).filter_zp(127);
          cases += t.Test("activation");
        }
      }
      // Grouped convolution.
      ConvTester t;
      t.kind(ConvTester::kConv).dtype(dt).mode(mode).input(1, 5, 5, 6).kernel(3, 3).groups(3).out_channels(6).seed(seed++);
      if (!s8) t.per_channel(false).filter_zp(3);
      cases += t.Test("groups");
    }
  }
  // Random shapes for the tiled variants: row counts across tile and chunk edges (GEMM chunks of 64 rows), channel
  // counts not multiples of 8 / 16, depths not multiples of 2 / 4, 1x1 stride 1 (plain GEMM) and general kernels,
  // random zero points, scales and activations, every mode, int8 and uint8.
  edgert_test::Rng shapes(12345);
  for (int i = 0; i < 240; ++i) {
    const int mode = modes[i % 4];
    const int dt = (i / 4) % 3 == 2 ? edgert_test::kU8 : edgert_test::kI8;
    const bool s8 = dt == edgert_test::kI8;
    const int kind_pick = shapes.Int(0, 3);
    const ConvTester::Kind kind = kind_pick <= 1 ? ConvTester::kConv : kind_pick == 2 ? ConvTester::kDepthwise : ConvTester::kFc;
    ConvTester t;
    const bool one_by_one = kind == ConvTester::kConv && shapes.Int(0, 1) == 0;
    const int kh = one_by_one ? 1 : shapes.Int(1, 5), kw = one_by_one ? 1 : shapes.Int(1, 5);
    const int dh = one_by_one ? 1 : shapes.Int(1, 2), dw = one_by_one ? 1 : shapes.Int(1, 2);
    const int eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1;
    const int dm = kind == ConvTester::kDepthwise ? shapes.Int(1, 2) : 1;
    t.kind(kind).dtype(dt).mode(mode).input(shapes.Int(1, 2), shapes.Int(eh, 13), shapes.Int(ew, 13), shapes.Int(1, 40))
        .kernel(kh, kw).stride(one_by_one ? 1 : shapes.Int(1, 2), one_by_one ? 1 : shapes.Int(1, 2))
        .dilation(dh, dw).padding(shapes.Int(0, 1)).out_channels(kind == ConvTester::kFc ? shapes.Int(1, 70) : shapes.Int(1, 70))
        .depth_multiplier(dm).bias(shapes.Int(0, 3) != 0).activation(shapes.Int(0, 3))
        .per_channel(s8 && shapes.Int(0, 3) != 0).extremes(shapes.Int(0, 2) == 0)
        .input_zp(shapes.Int(s8 ? -128 : 0, s8 ? 127 : 255)).output_zp(shapes.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .scales(shapes.Float(0.01f, 0.5f), shapes.Float(0.001f, 0.05f), shapes.Float(0.01f, 2.0f)).seed(seed++);
    if (!s8) t.filter_zp(shapes.Int(0, 255));
    cases += t.Test("random shape");
  }
  // FULLY_CONNECTED with many batch rows (GEMM row tiles and 64-row chunks) and deep / odd depths.
  for (int i = 0; i < 24; ++i) {
    const int mode = modes[i % 4];
    ConvTester t;
    t.kind(ConvTester::kFc).dtype(edgert_test::kI8).mode(mode).input(shapes.Int(3, 150), 1, shapes.Int(1, 9), shapes.Int(1, 130))
        .out_channels(shapes.Int(1, 40)).per_channel(i % 3 != 0).bias(i % 5 != 0).activation(i % 4).extremes(i % 2 == 0)
        .input_zp(shapes.Int(-128, 127)).output_zp(shapes.Int(-128, 127))
        .scales(shapes.Float(0.01f, 0.5f), shapes.Float(0.001f, 0.05f), shapes.Float(0.05f, 4.0f)).seed(seed++);
    cases += t.Test("fc batches");
  }
  // FULLY_CONNECTED with one row (batch-1 kernels over several column blocks): channel counts that leave 1 to 4
  // blocks in the last group and a partial last block, odd and even numbers of 4-byte K groups, int8 and uint8.
  edgert_test::Rng one_row(4242);  // own stream: the shapes of the cases below stay as they were
  for (int i = 0; i < 48; ++i) {
    const int mode = modes[i % 4];
    const bool s8 = i % 3 != 2;
    ConvTester t;
    t.kind(ConvTester::kFc).dtype(s8 ? edgert_test::kI8 : edgert_test::kU8).mode(mode)
        .input(1, 1, 1, one_row.Int(1, 700)).out_channels(i < 16 ? 16 * (i % 16 + 1) : one_row.Int(1, 260))
        .per_channel(s8 && i % 2 == 0).bias(i % 5 != 0).activation(i % 4).extremes(i % 6 == 0)
        .input_zp(one_row.Int(s8 ? -128 : 0, s8 ? 127 : 255)).output_zp(one_row.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .scales(one_row.Float(0.01f, 0.5f), one_row.Float(0.001f, 0.05f), one_row.Float(0.05f, 4.0f)).seed(seed++);
    if (!s8) t.filter_zp(one_row.Int(0, 255));
    cases += t.Test("fc one row");
  }
  // CONV_2D whose filter rows are whole 4-byte groups (k_w * in_c % 4 == 0, horizontal dilation 1): the direct
  // scheme of the VNNI GEMM (no im2col rows; pack/gemm_pack.h PrepareDirectConv), its padded border and tiles cut
  // at output-row ends; vertical dilation, strides, batches, all modes.
  edgert_test::Rng direct(777);  // own stream: the shapes of the cases below stay as they were
  // Fewer than 4 channels with k_w * in_c % 4 != 0 (RGB first layers) run widened to 4 channels.
  for (int i = 0; i < 80; ++i) {
    const int mode = modes[(i / 16) % 4];  // every shape in every mode
    static const int kShapes[][3] = {{3, 3, 16}, {3, 3, 32}, {3, 3, 8}, {3, 3, 4}, {5, 5, 4}, {2, 2, 12},
                                     {10, 4, 1}, {3, 1, 64}, {1, 4, 1}, {3, 4, 3}, {3, 3, 64}, {7, 2, 2},
                                     {3, 3, 3}, {3, 3, 1}, {5, 5, 2}, {7, 7, 3}};
    const int* sh = kShapes[i % 16];
    const int dh = direct.Int(0, 3) == 0 ? 2 : 1;
    const int eh = (sh[0] - 1) * dh + 1;
    ConvTester t;
    t.kind(ConvTester::kConv).dtype(edgert_test::kI8).mode(mode)
        .input(direct.Int(1, 2), direct.Int(eh, eh + 12), direct.Int(sh[1], sh[1] + 14), sh[2])
        .kernel(sh[0], sh[1]).stride(direct.Int(1, 2), direct.Int(1, 2)).dilation(dh, 1).padding(direct.Int(0, 1))
        .out_channels(direct.Int(1, 70)).bias(i % 5 != 0).activation(i % 4).per_channel(i % 3 != 0)
        .extremes(i % 6 == 0).input_zp(direct.Int(-128, 127)).output_zp(direct.Int(-128, 127))
        .scales(direct.Float(0.01f, 0.5f), direct.Float(0.001f, 0.05f), direct.Float(0.01f, 2.0f)).seed(seed++);
    cases += t.Test("direct conv");
  }
  // MobileNet-style depthwise 3x3, stride 1 and 2, depth multiplier 1, channel counts around the vector widths.
  for (int i = 0; i < 64; ++i) {
    const int mode = modes[i % 4];
    const bool s8 = (i / 4) % 4 != 3;
    ConvTester t;
    t.kind(ConvTester::kDepthwise).dtype(s8 ? edgert_test::kI8 : edgert_test::kU8).mode(mode)
        .input(1, shapes.Int(3, 12), shapes.Int(3, 12), shapes.Int(1, 80)).kernel(3, 3).stride(1 + (i / 2) % 2, 1 + (i / 2) % 2)
        .padding(shapes.Int(0, 1)).depth_multiplier(1).activation(shapes.Int(0, 3)).bias(shapes.Int(0, 4) != 0)
        .per_channel(s8).extremes(i % 3 == 0).input_zp(shapes.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .output_zp(shapes.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .scales(shapes.Float(0.01f, 0.5f), shapes.Float(0.001f, 0.05f), shapes.Float(0.01f, 2.0f)).seed(seed++);
    if (!s8) t.filter_zp(shapes.Int(0, 255));
    cases += t.Test("depthwise 3x3");
  }
  // 32-channel blocks, the last one possibly half full (32-144 channels, multiples of 16: the AVX2 32c2 kernel's
  // only shapes), 3x3 and 5x5, strides, padding,
  // vertical and horizontal dilation, int8 per-channel and uint8 with filter zero points.
  edgert_test::Rng blocks(4242);  // own stream: the shapes of the other cases stay as they were
  for (int i = 0; i < 48; ++i) {
    const int mode = modes[i % 4];
    const bool s8 = (i / 4) % 3 != 2;
    const int k = i % 5 == 4 ? 5 : 3;
    const int dh = i % 7 == 6 ? 2 : 1, dw = i % 11 == 10 ? 2 : 1;
    const int eh = (k - 1) * dh + 1, ew = (k - 1) * dw + 1;  // the input covers the dilated filter (VALID padding)
    ConvTester t;
    t.kind(ConvTester::kDepthwise).dtype(s8 ? edgert_test::kI8 : edgert_test::kU8).mode(mode)
        .input(blocks.Int(1, 2), blocks.Int(eh, eh + 9), blocks.Int(ew, ew + 9), 16 * blocks.Int(2, 9)).kernel(k, k)
        .stride(blocks.Int(1, 2), blocks.Int(1, 2)).dilation(dh, dw)
        .padding(blocks.Int(0, 1)).depth_multiplier(1).activation(blocks.Int(0, 3)).bias(blocks.Int(0, 4) != 0)
        .per_channel(s8).extremes(i % 3 == 0).input_zp(blocks.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .output_zp(blocks.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .scales(blocks.Float(0.01f, 0.5f), blocks.Float(0.001f, 0.05f), blocks.Float(0.01f, 2.0f)).seed(seed++);
    if (!s8) t.filter_zp(blocks.Int(0, 255));
    cases += t.Test("depthwise 32-channel blocks");
  }
  // Pointwise convolutions deep enough for the AMX tiles (in_c a multiple of 4, >= 64): depths on and off the
  // 64-byte tile rows (staged), 24-392 pixels: across the 16-row tiles, 32-row pairs and 128-row chunks (in place
  // only when whole), channel counts ending in half and partial 16-channel blocks, batches, int8 and uint8.
  edgert_test::Rng pointwise(9090);  // own stream: the shapes of the other cases stay as they were
  for (int i = 0; i < 48; ++i) {
    const int mode = modes[i % 4];
    const bool s8 = (i / 4) % 3 != 2;
    const int depth = i % 3 == 0 ? 64 * pointwise.Int(1, 10) : 4 * pointwise.Int(16, 200);
    ConvTester t;
    t.kind(ConvTester::kConv).dtype(s8 ? edgert_test::kI8 : edgert_test::kU8).mode(mode)
        .input(pointwise.Int(1, 2), pointwise.Int(3, 14), pointwise.Int(8, 14), depth).kernel(1, 1)
        .padding(pointwise.Int(0, 1)).out_channels(pointwise.Int(1, 100)).activation(pointwise.Int(0, 3))
        .bias(pointwise.Int(0, 4) != 0).per_channel(s8 && i % 5 != 0).extremes(i % 3 == 1)
        .input_zp(pointwise.Int(s8 ? -128 : 0, s8 ? 127 : 255)).output_zp(pointwise.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .scales(pointwise.Float(0.01f, 0.5f), pointwise.Float(0.001f, 0.05f), pointwise.Float(0.05f, 4.0f)).seed(seed++);
    if (!s8) t.filter_zp(pointwise.Int(0, 255));
    cases += t.Test("pointwise deep");
  }
  // Wide general convolutions (K x out_c >= 32768: the AMX tiles on im2col rows): 3x3, 5x5, 2x3, 1x3 and strided
  // 1x1 filters, strides, dilation, both paddings (padded taps), batches, 4-16 x 8-16 inputs (some below 24 output
  // pixels: the VNNI kernel takes them), int8 and uint8.
  edgert_test::Rng wide(5150);  // own stream
  for (int i = 0; i < 32; ++i) {
    const int mode = modes[i % 4];
    const bool s8 = (i / 4) % 3 != 2;
    static const int kFilters[][2] = {{3, 3}, {5, 5}, {2, 3}, {1, 3}, {1, 1}, {3, 3}, {3, 1}, {3, 3}};
    const int* f = kFilters[i % 8];
    const int dil = i % 8 == 7 ? 2 : 1, stride = i % 8 == 4 ? 2 : wide.Int(1, 2);
    ConvTester t;
    t.kind(ConvTester::kConv).dtype(s8 ? edgert_test::kI8 : edgert_test::kU8).mode(mode)
        .input(wide.Int(1, 2), wide.Int(4 + 2 * (f[0] - 1) * dil, 16), wide.Int(8 + 2 * (f[1] - 1) * dil, 16),
               f[0] * f[1] == 1 ? wide.Int(256, 600) : wide.Int(40, 96))
        .kernel(f[0], f[1]).stride(stride, stride).dilation(dil, dil).padding(wide.Int(0, 1))
        .out_channels(wide.Int(80, 140)).activation(wide.Int(0, 3)).bias(wide.Int(0, 4) != 0)
        .per_channel(s8 && i % 5 != 0).extremes(i % 3 == 1)
        .input_zp(wide.Int(s8 ? -128 : 0, s8 ? 127 : 255)).output_zp(wide.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .scales(wide.Float(0.01f, 0.5f), wide.Float(0.001f, 0.05f), wide.Float(0.05f, 4.0f)).seed(seed++);
    if (!s8) t.filter_zp(wide.Int(0, 255));
    cases += t.Test("wide conv");
  }
  // Depth multipliers > 2 (micro_speech: 1 input channel, multiplier 8): output blocks spanning several input
  // channels, block starts inside an input channel's run.
  for (int i = 0; i < 48; ++i) {
    const int mode = modes[i % 4];
    const bool s8 = (i / 4) % 2 == 0;
    const int dms[] = {3, 4, 5, 8, 11, 16};
    ConvTester t;
    t.kind(ConvTester::kDepthwise).dtype(s8 ? edgert_test::kI8 : edgert_test::kU8).mode(mode)
        .input(shapes.Int(1, 2), shapes.Int(3, 10), shapes.Int(3, 10), shapes.Int(1, 7)).kernel(shapes.Int(1, 4), shapes.Int(1, 4))
        .stride(shapes.Int(1, 2), shapes.Int(1, 2)).padding(shapes.Int(0, 1)).depth_multiplier(dms[(i / 8) % 6])
        .activation(shapes.Int(0, 3)).bias(shapes.Int(0, 4) != 0).per_channel(s8).extremes(i % 3 == 0)
        .input_zp(shapes.Int(s8 ? -128 : 0, s8 ? 127 : 255)).output_zp(shapes.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .scales(shapes.Float(0.01f, 0.5f), shapes.Float(0.001f, 0.05f), shapes.Float(0.01f, 2.0f)).seed(seed++);
    if (!s8) t.filter_zp(shapes.Int(0, 255));
    cases += t.Test("depth multiplier");
  }
  // micro_speech's depthwise: 1 x 49 x 40 x 1 input, 10 x 8 filter (80 taps), stride 2, SAME, multiplier 8.
  for (int i = 0; i < 8; ++i) {
    const bool s8 = i < 4;
    ConvTester t;
    t.kind(ConvTester::kDepthwise).dtype(s8 ? edgert_test::kI8 : edgert_test::kU8).mode(modes[i % 4])
        .input(1, 49, 40, 1).kernel(10, 8).stride(2, 2).padding(0).depth_multiplier(8).activation(1)
        .per_channel(s8).extremes(i % 2 == 0).input_zp(shapes.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .output_zp(s8 ? -128 : 0).scales(0.05f, 0.004f, 0.15f).seed(seed++);
    if (!s8) t.filter_zp(shapes.Int(0, 255));
    cases += t.Test("micro_speech depthwise");
  }
  // Large filters (65..256 taps, odd counts), depth multiplier 1 and 2, both paddings.
  for (int i = 0; i < 16; ++i) {
    const bool s8 = i % 2 == 0;
    const int kh = shapes.Int(7, 16), kw = shapes.Int(9, 16);
    ConvTester t;
    t.kind(ConvTester::kDepthwise).dtype(s8 ? edgert_test::kI8 : edgert_test::kU8).mode(modes[(i / 2) % 4])
        .input(1, shapes.Int(kh, kh + 4), shapes.Int(kw, kw + 4), shapes.Int(1, 40)).kernel(kh, kw).padding(i / 8)
        .depth_multiplier(1 + (i / 4) % 2).activation(i % 4).per_channel(s8).extremes(i % 3 == 0)
        .input_zp(shapes.Int(s8 ? -128 : 0, s8 ? 127 : 255)).output_zp(shapes.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .scales(shapes.Float(0.01f, 0.5f), shapes.Float(0.001f, 0.05f), shapes.Float(0.5f, 4.0f)).seed(seed++);
    if (!s8) t.filter_zp(shapes.Int(0, 255));
    cases += t.Test("large depthwise filter");
  }
  // uint8 FULLY_CONNECTED with many batch rows (every row-tile remainder) and deep / odd depths.
  for (int i = 0; i < 24; ++i) {
    const int mode = modes[i % 4];
    ConvTester t;
    t.kind(ConvTester::kFc).dtype(edgert_test::kU8).mode(mode).input(shapes.Int(3, 150), 1, shapes.Int(1, 9), shapes.Int(1, 130))
        .out_channels(shapes.Int(1, 40)).per_channel(false).filter_zp(shapes.Int(0, 255)).bias(i % 5 != 0).activation(i % 4)
        .extremes(i % 2 == 0).input_zp(shapes.Int(0, 255)).output_zp(shapes.Int(0, 255))
        .scales(shapes.Float(0.01f, 0.5f), shapes.Float(0.001f, 0.05f), shapes.Float(0.05f, 4.0f)).seed(seed++);
    cases += t.Test("uint8 fc batches");
  }
  // (Last: draws from `shapes` after every other case, leaving their shapes as they were.)
  // Channel counts dividing 32 at stride 1 horizontally (vww's 8-channel layers): the AVX-512 kernel computes
  // 32 / C neighbouring pixels per vector; widths give full groups and leftover pixels, 3x3 and 5x5 (odd taps).
  for (int i = 0; i < 40; ++i) {
    const int mode = modes[i % 4];
    const bool s8 = (i / 4) % 4 != 3;
    const int cs[] = {1, 2, 4, 8, 16};
    const int k = 3 + 2 * ((i / 5) % 2);
    ConvTester t;
    t.kind(ConvTester::kDepthwise).dtype(s8 ? edgert_test::kI8 : edgert_test::kU8).mode(mode)
        .input(1, shapes.Int(k, k + 4), shapes.Int(k + 2, 45), cs[i % 5]).kernel(k, k).stride(1 + (i / 10) % 2, 1)
        .padding(shapes.Int(0, 1)).depth_multiplier(1).activation(shapes.Int(0, 3)).bias(shapes.Int(0, 4) != 0)
        .per_channel(s8).extremes(i % 3 == 0).input_zp(shapes.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .output_zp(shapes.Int(s8 ? -128 : 0, s8 ? 127 : 255))
        .scales(shapes.Float(0.01f, 0.5f), shapes.Float(0.001f, 0.05f), shapes.Float(0.01f, 2.0f)).seed(seed++);
    if (!s8) t.filter_zp(shapes.Int(0, 255));
    cases += t.Test("depthwise pixel groups");
  }
  return cases;
}

}  // namespace

// Every case on 1, 2 and 3 threads (test_util.h ForThreadCounts).
int main() {
  const int cases = edgert_test::ForThreadCounts(RunCases);
  printf("conv_test: %d variant runs\n", cases);
  for (const auto& kv : ConvTester::Covered()) printf("  covered %s (%d runs)\n", kv.first.c_str(), kv.second);
  for (const auto& kv : ConvTester::Skipped()) printf("  skipped %s x%d\n", kv.first.c_str(), kv.second);
  return edgert_test::Finish("conv_test");
}
