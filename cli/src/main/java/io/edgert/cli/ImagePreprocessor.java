package io.edgert.cli;

import io.edgert.quant.data.Images;
import io.edgert.quant.data.RgbImage;
import io.edgert.runtime.DataType;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.Tensor;

import java.util.Locale;

/**
 * Puts an image into a model's {@code [1, H, W, C]} input the way TFLite classification examples do: bilinear
 * resize to H x W, RGB (C = 3) or luminance (C = 1), then by input type:
 * <ul>
 *   <li>uint8: pixels 0..255 as they are (the coral/TF1 models fold their normalization into the input's
 *       quantization, e.g. scale 1/128 zero point 128 for [-1, 1]);</li>
 *   <li>int8: the float pixel range the input's quantization covers decides the normalization: the candidate
 *       among [0, 255], [0, 1] and [-1, 1] closest to {@code [scale * (-128 - zp), scale * (127 - zp)]} (scale 1,
 *       zp -128 is [0, 255], i.e. pixel - 128; scale 1/255, zp -128 is [0, 1]; scale 1/128, zp 0 is [-1, 1]),
 *       then quantized with that quantization;</li>
 *   <li>float32: {@code (pixel - mean) / std}, default mean = std = 127.5, i.e. [-1, 1] as MobileNets expect.</li>
 * </ul>
 * Explicit {@code --mean}/{@code --std} override the choice for every type (the float value is then quantized).
 */
final class ImagePreprocessor {
    private record Range(String name, float mean, float std) {
    }

    private static final Range[] INT8_CANDIDATES = {
            new Range("[0, 255]", 0f, 1f), new Range("[0, 1]", 0f, 255f), new Range("[-1, 1]", 127.5f, 127.5f)};

    private ImagePreprocessor() {
    }

    /** Fills the tensor; returns a one-line description of what was done. */
    static String fill(Tensor input, RgbImage image, Float mean, Float std) {
        int[] shape = input.shape();
        if (shape.length != 4 || shape[0] != 1 || (shape[3] != 1 && shape[3] != 3)) {
            throw CliException.badInput(InputFeeder.label(input) + ": expected an image input of shape [1, H, W, 1] "
                    + "or [1, H, W, 3], got " + Formats.shape(shape));
        }
        int h = shape[1];
        int w = shape[2];
        int c = shape[3];
        RgbImage resized = Images.resizeBilinear(image, w, h);
        byte[] pixels = c == 3 ? resized.pixels() : Images.toGray(resized);
        String geometry = String.format(Locale.ROOT, "%dx%d -> %dx%d %s", image.width(), image.height(), w, h,
                c == 3 ? "RGB" : "gray");
        DataType type = input.dataType();
        boolean explicit = mean != null || std != null;
        if (type == DataType.UINT8 && !explicit) {
            input.putBytes(pixels);
            return geometry + ", uint8 pixels 0..255 as they are";
        }
        Range range;
        if (explicit) {
            range = new Range("(pixel - mean) / std", mean != null ? mean : 0f, std != null ? std : 1f);
        } else if (type == DataType.FLOAT32) {
            range = new Range("[-1, 1]", 127.5f, 127.5f);
        } else if (type == DataType.INT8) {
            range = closestInt8Range(input.quantization());
        } else {
            throw CliException.badInput(InputFeeder.label(input) + ": expected a uint8, int8 or float32 image input, "
                    + "got " + type.label());
        }
        float[] values = new float[pixels.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = ((pixels[i] & 0xff) - range.mean()) / range.std();
        }
        input.putFloats(values);
        return String.format(Locale.ROOT, "%s, %s pixels as %s (mean %s, std %s)%s", geometry, type.label(),
                range.name(), range.mean(), range.std(),
                type == DataType.FLOAT32 ? "" : ", quantized with " + input.quantization());
    }

    /** The normalization picked for an int8 input with this quantization; package-private for tests. */
    static String int8RangeName(Quantization q) {
        return closestInt8Range(q).name();
    }

    private static Range closestInt8Range(Quantization q) {
        if (!q.isPerTensor()) {
            throw CliException.badInput("an int8 image input needs per-tensor quantization to feed pixels, got " + q
                    + "; pass --mean and --std");
        }
        float lo = q.scale() * (-128 - q.zeroPoint());
        float hi = q.scale() * (127 - q.zeroPoint());
        Range best = null;
        double bestDistance = Double.MAX_VALUE;
        for (Range r : INT8_CANDIDATES) {
            float a = (0 - r.mean()) / r.std();
            float b = (255 - r.mean()) / r.std();
            double distance = (Math.abs(lo - a) + Math.abs(hi - b)) / (b - a);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = r;
            }
        }
        return best;
    }
}
