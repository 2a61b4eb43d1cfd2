package io.edgert.cuda;

import io.edgert.cuda.plan.CudaKernel;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fatbin in this jar: built whenever Maven ran the nvcc profile (nvcc present), with SASS for sm_75..sm_90 and
 * PTX for compute_90 and every kernel; absent otherwise, and then the backend says so.
 */
class FatbinTest {
    /** Whether Maven built with the nvcc profile (cuda/pom.xml), i.e. the jar must hold the fatbin. */
    static boolean nvccBuild() {
        return Boolean.getBoolean("edgert.cuda.fatbin.expected");
    }

    @Test
    void fatbinListsTheTargetArchitectures() {
        Assumptions.assumeTrue(nvccBuild(), "built without the nvcc profile: no fatbin");
        FatbinInfo info = FatbinInfo.ofThisBuild();
        assertNotNull(info, "built with nvcc but the jar has no " + FatbinResource.NAME);
        assertEquals(List.of(75, 80, 86, 87, 89, 90), info.sassArchs(), info.toString());
        assertEquals(List.of(90), info.ptxArchs(), info.toString());
        System.out.println("fatbin: " + info);
    }

    @Test
    void everyKernelIsInTheFatbin() {
        Assumptions.assumeTrue(nvccBuild(), "built without the nvcc profile: no fatbin");
        String text = new String(FatbinResource.bytes(), StandardCharsets.ISO_8859_1);
        for (CudaKernel k : CudaKernel.values()) {
            assertTrue(text.contains(k.symbol()), k.symbol() + " missing from the fatbin");
        }
    }

    @Test
    void withoutAFatbinTheBackendSaysSo() {
        Assumptions.assumeFalse(nvccBuild(), "built with nvcc: the jar has a fatbin");
        assertNull(FatbinResource.bytes());
        assertNull(FatbinInfo.ofThisBuild());
        assertEquals(FatbinResource.MISSING, new CudaBackend().unavailableReason());
        assertTrue(FatbinResource.MISSING.startsWith("no CUDA kernels in this build"));
    }

    @Test
    void parserRejectsOtherFiles() {
        assertThrows(IllegalArgumentException.class, () -> FatbinInfo.parse(new byte[64]));
        byte[] truncated = new byte[16];
        ByteBuffer.wrap(truncated).order(ByteOrder.LITTLE_ENDIAN).putInt(FatbinInfo.MAGIC).putShort((short) 1)
                .putShort((short) 16).putLong(1000);
        assertThrows(IllegalArgumentException.class, () -> FatbinInfo.parse(truncated));
    }

    @Test
    void parserReadsEntries() {
        // header + one ELF entry for sm_87 (64-byte entry header, 8 payload bytes) + one PTX entry for compute_90
        ByteBuffer b = ByteBuffer.allocate(16 + 72 + 72).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(FatbinInfo.MAGIC).putShort((short) 1).putShort((short) 16).putLong(144);
        for (int[] e : new int[][] {{2, 87}, {1, 90}}) {
            int start = b.position();
            b.putShort((short) e[0]).putShort((short) 0x101).putInt(64).putLong(8);
            b.position(start + 28);
            b.putInt(e[1]);
            b.position(start + 72);
        }
        FatbinInfo info = FatbinInfo.parse(b.array());
        assertEquals(List.of(87), info.sassArchs());
        assertEquals(List.of(90), info.ptxArchs());
    }
}
