package io.edgert.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Class names, one per line, line i naming class i (the coral/TFLite convention, "background" first). */
final class Labels {
    private final List<String> names;

    private Labels(List<String> names) {
        this.names = names;
    }

    static Labels none() {
        return new Labels(List.of());
    }

    static Labels read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw CliException.badInput("no such labels file: " + file);
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        // A trailing empty line is an editor artifact, not a class.
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return new Labels(List.copyOf(lines.stream().map(String::trim).toList()));
    }

    int size() {
        return names.size();
    }

    boolean isEmpty() {
        return names.isEmpty();
    }

    /** The name of class {@code index}, or the index itself when there is no such line. */
    String name(int index) {
        return index < names.size() ? names.get(index) : Integer.toString(index);
    }
}
