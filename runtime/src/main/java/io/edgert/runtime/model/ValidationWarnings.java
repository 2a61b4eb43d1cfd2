package io.edgert.runtime.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Non-fatal findings of {@link ModelReader}, grouped so that one oddity repeated over many tensors is one line
 * (person_detect.tflite has the same stray quantized_dimension on 14 biases): the first occurrence is named, the
 * rest are counted.
 */
final class ValidationWarnings {
    private static final class Group {
        final String firstSubject;
        int count;

        Group(String firstSubject) {
            this.firstSubject = firstSubject;
        }
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();

    /**
     * Records {@code problem} (worded without the subject, e.g. "quantized_dimension 3 is outside rank 1; using
     * axis 0") for {@code subject} (e.g. "tensor #33 'conv_bias'"). Equal problems are merged.
     */
    void add(String subject, String problem) {
        groups.computeIfAbsent(problem, p -> new Group(subject)).count++;
    }

    List<String> list() {
        List<String> r = new ArrayList<>(groups.size());
        groups.forEach((problem, g) -> r.add(g.count == 1
                ? g.firstSubject + ": " + problem
                : g.firstSubject + " and " + (g.count - 1) + " more: " + problem));
        return List.copyOf(r);
    }
}
