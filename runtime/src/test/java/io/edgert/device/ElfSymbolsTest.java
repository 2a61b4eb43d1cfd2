package io.edgert.device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ElfSymbolsTest {
    @Test
    void findsDefinedSymbolsInTheCLibrary() throws IOException {
        Path libc = null;
        for (String dir : new String[] {"/lib/x86_64-linux-gnu", "/lib/aarch64-linux-gnu", "/lib64", "/usr/lib64"}) {
            Path p = Path.of(dir, "libc.so.6");
            if (Files.isRegularFile(p)) {
                libc = p.toRealPath();
                break;
            }
        }
        assumeTrue(libc != null, "no libc.so.6 in the usual places");
        assertTrue(ElfSymbols.defines(libc, "malloc"));
        assertFalse(ElfSymbols.defines(libc, "edgert_cpu_features"));
        assertFalse(ElfSymbols.defines(libc, "mallo"), "prefixes must not match");
    }

    @Test
    void nonElfAndMissingFilesAreFalse(@TempDir Path dir) throws IOException {
        Path text = Files.writeString(dir.resolve("libfake.so"), "not an ELF file at all, just text padding it out");
        assertFalse(ElfSymbols.defines(text, "malloc"));
        assertFalse(ElfSymbols.defines(dir.resolve("absent.so"), "malloc"));
    }

    @Test
    void theNativeProbeNeverKillsTheJvm() {
        // Whether or not libjniedgert implements edgert_cpu_features yet, this must return (the JVM survives).
        java.util.OptionalLong bits = DeviceDetector.probeNative();
        bits.ifPresent(b -> assertTrue(b >= 0, "feature bits " + b));
    }
}
