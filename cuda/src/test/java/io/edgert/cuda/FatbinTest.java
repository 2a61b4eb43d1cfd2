package io.edgert.cuda;

import io.edgert.cuda.plan.CudaKernel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fatbin nvcc built into this jar: present whenever nvcc is, with SASS for sm_75..sm_90 and PTX for sm_90. */
class FatbinTest {
    static boolean nvccPresent() {
        return Files.isExecutable(Path.of("/usr/local/cuda/bin/nvcc"));
    }

    @Test
    void fatbinListsTheTargetArchitectures() {
        Assumptions.assumeTrue(nvccPresent(), "no nvcc at /usr/local/cuda/bin: this build has no fatbin");
        FatbinInfo info = FatbinInfo.ofThisBuild();
        assertNotNull(info, "nvcc is present but the jar has no " + FatbinResource.NAME);
        assertEquals(List.of(75, 80, 86, 87, 89, 90), info.sassArchs(), info.toString());
        assertEquals(List.of(90), info.ptxArchs(), info.toString());
        System.out.println("fatbin: " + info);
    }

    @Test
    void everyKernelIsInTheFatbin() {
        Assumptions.assumeTrue(nvccPresent(), "no nvcc at /usr/local/cuda/bin: this build has no fatbin");
        String text = new String(FatbinResource.bytes(), StandardCharsets.ISO_8859_1);
        for (CudaKernel k : CudaKernel.values()) {
            assertTrue(text.contains(k.symbol()), k.symbol() + " missing from the fatbin");
        }
    }

    @Test
    void withoutAFatbinTheBackendSaysSo() {
        Assumptions.assumeTrue(FatbinResource.bytes() == null, "this build has a fatbin");
        assertEquals(FatbinResource.MISSING, new CudaBackend().unavailableReason());
    }

    @Test
    void parserRejectsOtherFiles() {
        assertThrows(IllegalArgumentException.class, () -> FatbinInfo.parse(new byte[64]));
        byte[] truncated = new byte[16];
        java.nio.ByteBuffer.wrap(truncated).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(FatbinInfo.MAGIC)
                .putShort((short) 1).putShort((short) 16).putLong(1000);
        assertThrows(IllegalArgumentException.class, () -> FatbinInfo.parse(truncated));
    }
}
