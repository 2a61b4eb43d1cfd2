package io.edgert.quant.data;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Image decoding and the geometric preprocessing shared by {@code edgert classify} and image calibration:
 * bilinear resize (half-pixel centres, as {@code tf.image.resize} does), crops and flips. Lives outside the runtime
 * because {@code javax.imageio} does not exist on Android.
 */
public final class Images {
    private Images() {
    }

    /** Decodes any format {@code javax.imageio} reads (BMP, PNG, JPEG, GIF) to RGB. */
    public static RgbImage read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": no such image file");
        }
        BufferedImage img = ImageIO.read(path.toFile());
        if (img == null) {
            throw new IOException(path + ": not an image format javax.imageio can decode");
        }
        int w = img.getWidth();
        int h = img.getHeight();
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = img.getRGB(x, y);
                int o = (y * w + x) * 3;
                px[o] = (byte) (argb >> 16);
                px[o + 1] = (byte) (argb >> 8);
                px[o + 2] = (byte) argb;
            }
        }
        return new RgbImage(w, h, px);
    }

    /** Bilinear resize with half-pixel centres; values rounded to nearest. */
    public static RgbImage resizeBilinear(RgbImage src, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        byte[] out = new byte[width * height * 3];
        float sx = (float) src.width() / width;
        float sy = (float) src.height() / height;
        for (int y = 0; y < height; y++) {
            float fy = Math.max(0f, (y + 0.5f) * sy - 0.5f);
            int y0 = Math.min((int) fy, src.height() - 1);
            int y1 = Math.min(y0 + 1, src.height() - 1);
            float wy = fy - y0;
            for (int x = 0; x < width; x++) {
                float fx = Math.max(0f, (x + 0.5f) * sx - 0.5f);
                int x0 = Math.min((int) fx, src.width() - 1);
                int x1 = Math.min(x0 + 1, src.width() - 1);
                float wx = fx - x0;
                for (int c = 0; c < 3; c++) {
                    float top = src.get(x0, y0, c) * (1 - wx) + src.get(x1, y0, c) * wx;
                    float bottom = src.get(x0, y1, c) * (1 - wx) + src.get(x1, y1, c) * wx;
                    int v = Math.round(top * (1 - wy) + bottom * wy);
                    out[(y * width + x) * 3 + c] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return new RgbImage(width, height, out);
    }

    /** The rectangle [x, x+w) x [y, y+h). */
    public static RgbImage crop(RgbImage src, int x, int y, int w, int h) {
        if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > src.width() || y + h > src.height()) {
            throw new IllegalArgumentException("crop " + w + "x" + h + "+" + x + "+" + y + " is outside the "
                    + src.width() + "x" + src.height() + " image");
        }
        byte[] out = new byte[w * h * 3];
        for (int row = 0; row < h; row++) {
            System.arraycopy(src.pixels(), ((y + row) * src.width() + x) * 3, out, row * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    public static RgbImage flipHorizontal(RgbImage src) {
        byte[] out = new byte[src.pixels().length];
        int w = src.width();
        for (int y = 0; y < src.height(); y++) {
            for (int x = 0; x < w; x++) {
                System.arraycopy(src.pixels(), (y * w + x) * 3, out, (y * w + (w - 1 - x)) * 3, 3);
            }
        }
        return new RgbImage(w, src.height(), out);
    }

    /** Single-channel luminance (ITU-R BT.601), for grayscale models such as person_detect. */
    public static byte[] toGray(RgbImage src) {
        byte[] out = new byte[src.width() * src.height()];
        for (int i = 0; i < out.length; i++) {
            int r = src.pixels()[i * 3] & 0xff;
            int g = src.pixels()[i * 3 + 1] & 0xff;
            int b = src.pixels()[i * 3 + 2] & 0xff;
            out[i] = (byte) Math.round(0.299f * r + 0.587f * g + 0.114f * b);
        }
        return out;
    }
}
