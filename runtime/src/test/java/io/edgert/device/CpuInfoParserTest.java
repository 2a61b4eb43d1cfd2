package io.edgert.device;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CpuInfoParserTest {
    static String canned(String name) throws IOException {
        try (InputStream in = CpuInfoParserTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void x86XeonGivesVendorModelFamilyAndVnniFeatures() throws IOException {
        CpuInfo cpu = CpuInfoParser.parse(canned("cpuinfo-x86_64-xeon.txt"));
        assertEquals("GenuineIntel", cpu.vendor());
        assertEquals("Intel(R) Xeon(R) Processor", cpu.modelName());
        assertEquals(6, cpu.family());
        assertEquals(207, cpu.model());
        assertEquals(2, cpu.stepping());
        assertEquals(2, cpu.processors().size());
        assertFalse(cpu.isArm());
        assertEquals(List.of("sse4.1", "avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512vnni", "avxvnni",
                "amx-int8"), List.copyOf(IsaFeatures.fromCpuinfoFlags(cpu.flags())));
    }

    @Test
    void cortexA72HasNeonButNoDotprod() throws IOException {
        CpuInfo cpu = CpuInfoParser.parse(canned("cpuinfo-arm64-cortex-a72.txt"));
        assertTrue(cpu.isArm());
        assertEquals("ARM", cpu.vendor());
        assertEquals("Cortex-A72", cpu.modelName());
        assertEquals(4, cpu.processors().size());
        assertEquals(0xd08, cpu.processors().get(3).part());
        assertEquals(-1, cpu.family());
        assertEquals("BCM2835", cpu.hardware());
        assertEquals(List.of("asimd"), List.copyOf(IsaFeatures.fromCpuinfoFlags(cpu.flags())));
    }

    @Test
    void cortexA76HasDotprod() throws IOException {
        CpuInfo cpu = CpuInfoParser.parse(canned("cpuinfo-arm64-cortex-a76.txt"));
        assertEquals("Cortex-A76", cpu.modelName());
        assertEquals(List.of("asimd", "dotprod"), List.copyOf(IsaFeatures.fromCpuinfoFlags(cpu.flags())));
    }

    @Test
    void bigLittleSocNamesBothCoreTypes() throws IOException {
        CpuInfo cpu = CpuInfoParser.parse(canned("cpuinfo-arm64-rk3588.txt"));
        assertEquals("Cortex-A55 x4 + Cortex-A76 x4", cpu.modelName());
        assertEquals("Cortex-A76", cpu.processors().get(7).partName());
    }

    @Test
    void unknownPartsPrintAsHex() {
        CpuInfo cpu = CpuInfoParser.parse("processor : 0\nCPU implementer : 0x51\nCPU part : 0x802\n");
        assertEquals("Qualcomm", cpu.vendor());
        assertEquals("Qualcomm part 0x802", cpu.modelName());
    }

    @Test
    void emptyOrGarbageIsUnknownNotAnException() {
        assertSame(CpuInfo.UNKNOWN, CpuInfoParser.parse(""));
        assertSame(CpuInfo.UNKNOWN, CpuInfoParser.parse(null));
        CpuInfo garbage = CpuInfoParser.parse("no colons here\n\u0000\nprocessor : x\nmodel : y");
        assertEquals(Device.UNKNOWN, garbage.modelName());
        assertEquals(-1, garbage.model());
    }

    @Test
    void nativeBitsMapToTheSameNames() {
        long bits = (1L << 1) | (1L << 6) | (1L << 17);
        assertEquals(List.of("avx2", "avx512vnni", "dotprod"), List.copyOf(IsaFeatures.fromNativeBits(bits)));
    }
}
