package io.edgert.cli;

import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoCommandTest {
    @Test
    void builtInModelRunsOnEveryAvailableBackend() {
        CliResult r = CliResult.run("demo", "--runs", 3, "--warmup", 1);
        assertEquals(0, r.exitCode(), r.toString());
        for (String backend : DemoCommand.availableBackends()) {
            assertTrue(r.out().lines().anyMatch(l -> l.matches(backend + " +\\d+\\.\\d+ .*")), r.out());
        }
    }

    @Test
    void timesAGivenModelOnTheAvailableBackends() {
        CliResult r = CliResult.run("demo", "--model", SharedFiles.model("coral/mobilenet_v1_0.25_128_quant.tflite"),
                "--runs", 3, "--warmup", 1);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("CPU "), "device summary first: " + r.out());
        assertTrue(r.out().contains("median ms"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("tflite +\\d+\\.\\d+ .* 3 .*")), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("tflite-ref +\\d+\\.\\d+ .* 3 .*")), r.out());
        CliResult auto = CliResult.run("demo", "--model", SharedFiles.model("coral/mobilenet_v1_0.25_128_quant.tflite"),
                "--runs", 1, "--warmup", 0, "--backends", "auto");
        assertTrue(auto.out().lines().anyMatch(l -> l.matches("auto \\((native|tflite)\\) .*")), auto.out());
    }
}
