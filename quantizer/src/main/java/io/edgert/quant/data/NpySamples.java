package io.edgert.quant.data;

import io.edgert.runtime.DataType;
import io.edgert.runtime.io.Npy;
import io.edgert.runtime.io.NpyArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Samples from a directory of float32 {@code .npy} files (sorted by name). A file holds one sample (as many
 * elements as the model input) or a stack of them (leading axis = sample count, the rest = one input).
 */
public final class NpySamples implements SampleSource {
    private final List<float[]> samples;
    private final String description;

    private NpySamples(List<float[]> samples, String description) {
        this.samples = samples;
        this.description = description;
    }

    public static NpySamples load(Path dir, int[] inputShape, int limit) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": not a directory of .npy files");
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".npy")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException(dir + ": no .npy files");
        }
        int per = 1;
        for (int d : inputShape) {
            per *= d;
        }
        List<float[]> out = new ArrayList<>();
        for (Path f : files) {
            if (out.size() >= limit) {
                break;
            }
            NpyArray a;
            try {
                a = Npy.read(f);
            } catch (IOException | RuntimeException e) {
                throw new IOException(f + ": unreadable .npy file: " + e.getMessage(), e);
            }
            if (a.dataType() != DataType.FLOAT32) {
                throw new IOException(f + ": expected float32 data, got " + a.dataType().label());
            }
            long n = a.elementCount();
            if (n == 0 || n % per != 0) {
                throw new IOException(f + ": shape " + Arrays.toString(a.shape()) + " does not hold whole samples of the model input "
                        + Arrays.toString(inputShape) + " (" + per + " elements each)");
            }
            float[] all = a.toFloats();
            for (int k = 0; k < n / per && out.size() < limit; k++) {
                out.add(Arrays.copyOfRange(all, k * per, (k + 1) * per));
            }
        }
        return new NpySamples(out, out.size() + " samples from " + files.size() + " .npy files in " + dir);
    }

    @Override
    public int size() {
        return samples.size();
    }

    @Override
    public float[] sample(int i) {
        return samples.get(i).clone();
    }

    @Override
    public String describe() {
        return description;
    }
}
