package io.edgert.quant.calib;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProgressBarTest {
    @Test
    void drawsInPlaceOnlyWhenEnabled() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ProgressBar on = new ProgressBar(out, "calibrating", 4, true);
        for (int i = 1; i <= 4; i++) {
            on.step(i);
        }
        String s = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(s.startsWith("\rcalibrating ["), s);
        assertTrue(s.endsWith("] 4/4" + System.lineSeparator()), s);
        bytes.reset();
        ProgressBar off = new ProgressBar(out, "calibrating", 4, false);
        off.step(4);
        assertEquals(0, bytes.size());
    }
}
