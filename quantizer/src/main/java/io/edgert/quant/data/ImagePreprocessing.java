package io.edgert.quant.data;

/**
 * Pixel (0..255) to model input: {@code (pixel - mean[c]) / std[c]} per channel, in RGB or BGR order.
 * A single mean/std applies to every channel. One-channel inputs take the gray value.
 */
public record ImagePreprocessing(float[] mean, float[] std, boolean bgr) {
    public ImagePreprocessing {
        if (mean.length == 0 || std.length == 0) {
            throw new IllegalArgumentException("expected at least one mean and one std value");
        }
        for (float s : std) {
            if (!(s != 0 && Float.isFinite(s))) {
                throw new IllegalArgumentException("expected non-zero finite std values, got " + s);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** Raw pixel values 0..255. */
    public static ImagePreprocessing raw() {
        return new ImagePreprocessing(new float[] {0}, new float[] {1}, false);
    }

    /** Pixels scaled to 0..1. */
    public static ImagePreprocessing unit() {
        return new ImagePreprocessing(new float[] {0}, new float[] {255}, false);
    }

    public float apply(int pixel, int channel) {
        float m = mean[mean.length == 1 ? 0 : channel];
        float s = std[std.length == 1 ? 0 : channel];
        return (pixel - m) / s;
    }
}
