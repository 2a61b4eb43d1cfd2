package io.edgert.cli;

import io.edgert.device.Device;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InfoCommandTest {
    @Test
    void printsCpuModelBackendsAndCuda() {
        CliResult r = CliResult.run("info");
        assertEquals(0, r.exitCode(), r.toString());
        Device d = Device.detect();
        assertTrue(r.out().contains("CPU           " + d.cpu().modelName()), r.out());
        assertTrue(r.out().contains("Cores         " + d.logicalCpus() + " logical"), r.out());
        assertTrue(r.out().contains("tflite: available"), r.out());
        assertTrue(r.out().contains("tflite-ref: "), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("CUDA ") && l.contains(d.cuda().reason())), r.out());
        assertTrue(r.out().contains("Memory"), r.out());
    }

    @Test
    void noSubcommandIsAUsageError() {
        CliResult r = CliResult.run();
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().contains("missing subcommand"), r.err());
    }

    @Test
    void unknownOptionIsAUsageErrorWithoutStackTrace() {
        CliResult r = CliResult.run("info", "--bogus");
        assertEquals(ExitCodes.USAGE, r.exitCode());
        assertTrue(r.err().contains("Unknown option: '--bogus'"), r.err());
        assertTrue(!r.err().contains("\tat "), r.err());
    }
}
