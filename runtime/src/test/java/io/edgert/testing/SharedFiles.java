package io.edgert.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Locates {@code ../shared} (models, images) for tests. Tests that need it call {@link #require()} or
 * {@link #model(String)}, which skip with a JUnit assumption and a message when it is absent.
 */
public final class SharedFiles {
    private SharedFiles() {
    }

    /** The shared directory, or null when absent. Set by surefire as {@code edgert.shared.dir}. */
    public static Path dir() {
        String prop = System.getProperty("edgert.shared.dir");
        Path p = prop != null ? Path.of(prop) : Path.of("..", "shared");
        p = p.toAbsolutePath().normalize();
        return Files.isDirectory(p.resolve("models")) ? p : null;
    }

    public static Path require() {
        Path d = dir();
        Assumptions.assumeTrue(d != null, "../shared is absent (models and images): skipping");
        return d;
    }

    /** A model by path relative to {@code shared/models}, e.g. {@code "mlperf-tiny/vww_96_int8.tflite"}. */
    public static Path model(String relative) {
        Path p = require().resolve("models").resolve(relative);
        Assumptions.assumeTrue(Files.isRegularFile(p), p + " is absent: skipping");
        return p;
    }

    public static Path image(String name) {
        Path p = require().resolve("images").resolve(name);
        Assumptions.assumeTrue(Files.isRegularFile(p), p + " is absent: skipping");
        return p;
    }

    /** Every {@code .tflite} under {@code shared/models}, sorted; empty when shared is absent. */
    public static List<Path> allModels() {
        Path d = dir();
        if (d == null) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(d.resolve("models"))) {
            return s.filter(f -> f.toString().endsWith(".tflite")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
