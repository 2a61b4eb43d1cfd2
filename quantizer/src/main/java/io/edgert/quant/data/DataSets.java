package io.edgert.quant.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Calibration and held-out evaluation samples from what a user points at: a directory of {@code .npy} files, a
 * directory of images, or nothing (generated data). The two sets never share a sample.
 */
public final class DataSets {
    /** [0] calibration, [1] evaluation (may be empty when too little data was given). */
    public record Split(SampleSource calibration, SampleSource evaluation) {
    }

    private DataSets() {
    }

    /**
     * A directory of {@code .npy} files (held-out samples are the last fifth, at most {@code evaluation}) or of
     * images (held-out samples are other random crops of the same images).
     */
    public static Split fromDirectory(Path dir, int[] inputShape, int calibration, int evaluation,
                                      ImagePreprocessing prep, long seed) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory (expected .npy files or images)");
        }
        boolean npy;
        try (Stream<Path> s = Files.list(dir)) {
            npy = s.anyMatch(p -> p.getFileName().toString().endsWith(".npy"));
        }
        if (npy) {
            NpySamples all = NpySamples.load(dir, inputShape, calibration + evaluation);
            int held = Math.min(evaluation, all.size() / 5);
            return new Split(all.slice(0, all.size() - held), all.slice(all.size() - held, all.size()));
        }
        ImageSamples cal = ImageSamples.load(dir, calibration, inputShape, prep, seed);
        return new Split(cal, ImageSamples.load(dir, evaluation, inputShape, prep, seed + 1).withoutWholeImages());
    }

    /** Uniform random data in [low, high], flagged as generated so the quantizer warns loudly. */
    public static Split generated(int elements, int calibration, int evaluation, float low, float high, long seed) {
        return new Split(new RandomSamples(calibration, elements, low, high, seed, true),
                new RandomSamples(evaluation, elements, low, high, seed + 1, true));
    }
}
