package io.edgert.quant.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Image samples sized to an NHWC model input. Sample {@code i} is image {@code i % n}: the first round is each whole
 * image resized; later rounds are random crops (40..100% of each side), horizontal flips and rescales of it, so a
 * few photos still give many distinct natural-image samples. Deterministic for a seed.
 */
public final class ImageSamples implements SampleSource {
    private static final List<String> EXTENSIONS = List.of(".bmp", ".png", ".jpg", ".jpeg", ".gif");

    private final List<RgbImage> images;
    private final List<String> names;
    private final int count;
    private final int height;
    private final int width;
    private final int channels;
    private final ImagePreprocessing prep;
    private final long seed;
    private final boolean wholeImagesFirst;

    public ImageSamples(List<RgbImage> images, List<String> names, int count, int[] inputShape, ImagePreprocessing prep,
                        long seed) {
        this(images, names, count, inputShape, prep, seed, true);
    }

    /**
     * @param wholeImagesFirst whether the first round is the whole images resized; false gives only random crops,
     *                         e.g. for an evaluation set that must not repeat calibration samples
     */
    public ImageSamples(List<RgbImage> images, List<String> names, int count, int[] inputShape, ImagePreprocessing prep,
                        long seed, boolean wholeImagesFirst) {
        if (inputShape.length != 4 || (inputShape[3] != 3 && inputShape[3] != 1)) {
            throw new IllegalArgumentException("image calibration needs an NHWC input with 1 or 3 channels, got shape "
                    + java.util.Arrays.toString(inputShape));
        }
        if (images.isEmpty()) {
            throw new IllegalArgumentException("expected at least one image");
        }
        this.images = List.copyOf(images);
        this.names = List.copyOf(names);
        this.count = count;
        this.height = inputShape[1];
        this.width = inputShape[2];
        this.channels = inputShape[3];
        this.prep = prep;
        this.seed = seed;
        this.wholeImagesFirst = wholeImagesFirst;
    }

    /** The same images and count, random crops only: an evaluation set disjoint from a calibration set. */
    public ImageSamples withoutWholeImages() {
        return new ImageSamples(images, names, count, new int[] {1, height, width, channels}, prep, seed, false);
    }

    /** Every image file in {@code dir} (sorted; BMP, PNG, JPEG, GIF). */
    public static ImageSamples load(Path dir, int count, int[] inputShape, ImagePreprocessing prep, long seed)
            throws IOException {
        List<Path> files = list(dir);
        List<RgbImage> imgs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path f : files) {
            imgs.add(Images.read(f));
            names.add(f.getFileName().toString());
        }
        return new ImageSamples(imgs, names, count, inputShape, prep, seed);
    }

    public static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory of images");
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> files = s.filter(ImageSamples::isImage).sorted().toList();
            if (files.isEmpty()) {
                throw new IOException(dir + ": no image files (" + String.join(", ", EXTENSIONS) + ")");
            }
            return files;
        }
    }

    public static boolean isImage(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(n::endsWith);
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public float[] sample(int i) {
        RgbImage src = images.get(i % images.size());
        RgbImage img;
        if (wholeImagesFirst && i < images.size()) {
            img = Images.resizeBilinear(src, width, height);
        } else {
            SplittableRandom r = new SplittableRandom(seed * 7_919L + i);
            int cw = Math.max(1, (int) Math.round(src.width() * (0.4 + 0.6 * r.nextDouble())));
            int ch = Math.max(1, (int) Math.round(src.height() * (0.4 + 0.6 * r.nextDouble())));
            int x = r.nextInt(src.width() - cw + 1);
            int y = r.nextInt(src.height() - ch + 1);
            img = Images.crop(src, x, y, cw, ch);
            if (r.nextBoolean()) {
                img = Images.flipHorizontal(img);
            }
            img = Images.resizeBilinear(img, width, height);
        }
        float[] out = new float[height * width * channels];
        if (channels == 1) {
            byte[] gray = Images.toGray(img);
            for (int k = 0; k < gray.length; k++) {
                out[k] = prep.apply(Byte.toUnsignedInt(gray[k]), 0);
            }
            return out;
        }
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    int pixel = img.get(x, y, prep.bgr() ? 2 - c : c);
                    out[(y * width + x) * 3 + c] = prep.apply(pixel, c);
                }
            }
        }
        return out;
    }

    @Override
    public String describe() {
        return count + " samples from " + images.size() + " images " + names + " (crops, flips, rescales)";
    }
}
