package io.edgert.cli;

import io.edgert.runtime.Quantization;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassifyCommandTest {
    private static final Pattern RESULT = Pattern.compile("^(\\d+)  (.+)  (\\d+\\.\\d+)$");

    /** The top-1 table of shared/models/README.md (stock TFLite 2.20). */
    static Stream<Arguments> readmeTop1() {
        String[][] table = {
                {"mobilenet_v2_1.0_224_quant", "Egyptian cat", "military uniform", "chickadee"},
                {"tf2_mobilenet_v2_1.0_224_ptq", "Egyptian cat", "military uniform", "chickadee"},
                {"mobilenet_v1_0.25_128_quant", "tiger cat", "academic gown", "chickadee"},
        };
        String[] images = {"cat.bmp", "grace_hopper.bmp", "bird.bmp"};
        List<Arguments> cases = new ArrayList<>();
        for (String backend : new String[] {"tflite", "tflite-ref", "native"}) {
            for (String[] row : table) {
                for (int i = 0; i < images.length; i++) {
                    cases.add(Arguments.of(row[0], images[i], backend, row[i + 1]));
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} on {1} with {2}: {3}")
    @MethodSource("readmeTop1")
    void topOneMatchesStockTflite(String model, String image, String backend, String expected) {
        Path modelFile = SharedFiles.model("coral/" + model + ".tflite");
        CliResult r = CliResult.run("classify", modelFile, SharedFiles.image(image), "--labels",
                SharedFiles.image("imagenet_labels.txt"), "--backend", backend, "--top", "3");
        assertEquals(0, r.exitCode(), r.toString());
        List<Matcher> rows = r.out().lines().map(RESULT::matcher).filter(Matcher::matches).toList();
        assertEquals(3, rows.size(), r.out());
        assertEquals("1", rows.get(0).group(1));
        // The README names a class by its first synonym ("academic gown" for "academic gown, academic robe, ...").
        assertEquals(expected, rows.get(0).group(2).split(",")[0].trim(), r.out());
        double s1 = Double.parseDouble(rows.get(0).group(3));
        double s2 = Double.parseDouble(rows.get(1).group(3));
        assertTrue(s1 >= s2 && s1 > 0 && s1 <= 1.0, "scores are dequantized probabilities, best first: " + r.out());
    }

    @Test
    void withoutLabelsClassesPrintAsIndices() {
        CliResult r = CliResult.run("classify", SharedFiles.model("coral/mobilenet_v1_0.25_128_quant.tflite"),
                SharedFiles.image("bird.bmp"), "-k", "1");
        assertEquals(0, r.exitCode(), r.toString());
        // chickadee is line 20 of imagenet_labels.txt (index 0 = background).
        assertTrue(r.out().lines().anyMatch(l -> l.matches("1  20  \\d\\.\\d{4}")), r.out());
    }

    @Test
    void missingImageIsABadInputWithoutStackTrace() {
        CliResult r = CliResult.run("classify", SharedFiles.model("coral/mobilenet_v1_0.25_128_quant.tflite"),
                "no-such-image.png");
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no-such-image.png: no such image file"), r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void nonImageModelIsRefusedWithItsShape() {
        CliResult r = CliResult.run("classify", SharedFiles.model("mlperf-tiny/ad01_int8.tflite"),
                SharedFiles.image("cat.bmp"));
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("expected an image input of shape [1, H, W, 1] or [1, H, W, 3], got [1, 640]"),
                r.err());
    }

    @Test
    void int8InputRangeFollowsItsQuantization() {
        assertEquals("[0, 255]", ImagePreprocessor.int8RangeName(Quantization.perTensor(1f, -128)));
        assertEquals("[0, 1]", ImagePreprocessor.int8RangeName(Quantization.perTensor(1f / 255, -128)));
        assertEquals("[-1, 1]", ImagePreprocessor.int8RangeName(Quantization.perTensor(1f / 128, 0)));
        assertEquals("[-1, 1]", ImagePreprocessor.int8RangeName(Quantization.perTensor(0.0078125f, -1)));
    }
}
