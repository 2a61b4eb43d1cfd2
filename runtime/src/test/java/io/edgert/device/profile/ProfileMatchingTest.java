package io.edgert.device.profile;

import io.edgert.device.Device;
import io.edgert.runtime.EdgertException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Which built-in profile each kind of device gets, and why. */
class ProfileMatchingTest {
    private static ProfileMatch match(Device d) throws EdgertException {
        return Profiles.match(d, Profiles.builtIns());
    }

    private static String id(Device d) throws EdgertException {
        return match(d).profile().id();
    }

    @Test
    void everyDeviceKindGetsItsProfile() throws EdgertException {
        Map<String, Device> expected = new java.util.LinkedHashMap<>();
        expected.put("x86_64-generic", Devices.plainX86());
        expected.put("x86_64-avx2", Devices.haswell());
        expected.put("x86_64-avxvnni", Devices.alderLake());
        expected.put("x86_64-avx512vnni", Devices.icelake());
        expected.put("x86_64-amx", Devices.sapphireRapids());
        expected.put("arm64-generic", Devices.raspberryPi4());
        expected.put("arm64-dotprod", Devices.raspberryPi5());
        expected.put("arm64-i8mm", Devices.graviton3());
        expected.put("android-arm64", Devices.pixel6());
        expected.put("jetson-orin", Devices.jetsonOrin());
        expected.put("nvidia-sm80", Devices.dgxA100());
        expected.put("nvidia-sm90", Devices.h100Server());
        for (Map.Entry<String, Device> e : expected.entrySet()) {
            assertEquals(e.getKey(), id(e.getValue()), e.getValue().cpu().modelName());
        }
        assertEquals(Profiles.builtIns().size(), expected.size(), "a case per built-in profile");
    }

    @Test
    void gpuProfilesNeedTheirCapabilityAndHostIsa() throws EdgertException {
        // H100 on an AVX2-only host: sm90 wants AVX-512 VNNI, sm80 (>= 8.0) takes it.
        assertEquals("nvidia-sm80", id(Devices.h100OnZen3()));
        // A T4 (7.5) is below every GPU profile: the CPU decides.
        assertEquals("x86_64-avx512vnni", id(Devices.t4Server()));
        ProfileMatch m = match(Devices.t4Server());
        assertTrue(m.others().get("nvidia-sm80").contains("Tesla T4 is 7.5"), m.others().toString());
        // Grace Hopper is arm64 with a 9.0 GPU, but no Cortex-A78AE: not a Jetson.
        assertEquals("arm64-i8mm", id(Devices.gh200()));
        assertTrue(match(Devices.gh200()).others().get("jetson-orin").contains("no core is part 0xd42"));
    }

    @Test
    void gpuCapabilityComesFromTheModelName() {
        assertEquals(80, Profiles.gpuCapability(Devices.dgxA100()));
        assertEquals(90, Profiles.gpuCapability(Devices.h100Server()));
        assertEquals(87, Profiles.gpuCapability(Devices.jetsonOrin()));
        assertEquals(75, Profiles.gpuCapability(Devices.t4Server()));
        assertEquals(-1, Profiles.gpuCapability(Devices.icelake()));
    }

    @Test
    void theReasonNamesTheConditionsAndEveryRejectedProfile() throws EdgertException {
        ProfileMatch m = match(Devices.raspberryPi5());
        assertEquals("detected", m.how());
        assertTrue(m.matched().contains("arch arm64"), m.matched().toString());
        assertTrue(m.matched().contains("features asimd dotprod"), m.matched().toString());
        assertTrue(m.matched().get(m.matched().size() - 1).startsWith("most specific of 2 matching"), m.matched()
                .toString());
        assertEquals(Profiles.builtIns().size() - 1, m.others().size());
        assertTrue(m.others().get("arm64-generic").startsWith("matches, less specific"));
        assertTrue(m.others().get("arm64-i8mm").contains("lacks i8mm"));
        assertTrue(m.others().get("android-arm64").contains("os android (device: linux)"));
        assertTrue(m.others().get("x86_64-generic").contains("arch x86_64 (device: arm64)"));
    }

    @Test
    void tiesGoToTheAlphabeticallyFirstIdWhateverTheOrder() throws EdgertException {
        DeviceProfile b = Profiles.builtIn("x86_64-avx2");
        DeviceProfile a = new DeviceProfile("a-twin", b.description(), b.rationale(), null, b.match(), b.choices(),
                List.of("a-twin"), "test", Map.of());
        assertEquals("a-twin", Profiles.match(Devices.haswell(), List.of(b, a)).profile().id());
        assertEquals("a-twin", Profiles.match(Devices.haswell(), List.of(a, b)).profile().id());
    }

    @Test
    void aForcedProfileListsTheConditionsItMisses() throws EdgertException {
        ProfileMatch m = Profiles.resolve("arm64-dotprod", Devices.icelake());
        assertEquals("forced", m.how());
        assertEquals("arm64-dotprod", m.profile().id());
        assertTrue(m.matched().stream().anyMatch(s -> s.startsWith("NOT arch arm64")), m.matched().toString());
        EdgertException e = assertThrows(EdgertException.class, () -> Profiles.resolve("no-such-profile",
                Devices.icelake()));
        assertTrue(e.getMessage().contains("unknown device profile 'no-such-profile'"), e.getMessage());
    }

    @Test
    void threadsFollowTheProfileCores() {
        DeviceProfile android = Profiles.builtIn("android-arm64");
        assertEquals(2, Profiles.threads(android, Devices.pixel6()), "big = the X1 pair");
        DeviceProfile little = android.withChoices(new DeviceProfile.Choices(android.choices().kernels(), 0, "little",
                null, null, null));
        assertEquals(4, Profiles.threads(little, Devices.pixel6()), "little = the A55 quad");
        assertEquals(8, Profiles.threads(android.withChoices(android.choices().withThreads(64)), Devices.pixel6()),
                "never more than the CPUs");
        assertEquals(16, Profiles.threads(Profiles.builtIn("x86_64-avx512vnni"), Devices.icelake()));
        assertEquals(4, Profiles.threads(Profiles.builtIn("arm64-generic"), Devices.raspberryPi4()));
    }

    @Test
    void inheritanceMergesChoices() {
        DeviceProfile vnni = Profiles.builtIn("x86_64-avx512vnni");
        assertEquals(List.of("x86_64-avx512vnni", "x86_64-avx2", "x86_64-generic"), vnni.chain());
        assertEquals(List.of("conv2d_qs8_gemm_8x16c4_avx512vnni", "conv2d_qu8_gemm_8x16c4_avx512vnni",
                "conv2d_qu8_gemm_8x16c2_avx512vnni", "conv2d_qs8_gemm_4x16c2_avx2", "conv2d_qu8_gemm_4x16c2_avx2", "conv2d_qs8_direct_ref",
                "conv2d_qu8_direct_ref"), vnni.kernelsFor("CONV_2D"));
        assertEquals(List.of("fc_qs8_gemm_4x16c2_avx2", "fc_qu8_gemm_4x16c2_avx2", "fc_qs8_ref", "fc_qu8_ref"),
                Profiles.builtIn("x86_64-avx2").kernelsFor("FULLY_CONNECTED"));
        assertEquals(List.of("softmax_qs8_ref"), vnni.kernelsFor("SOFTMAX"), "from x86_64-generic");
        assertEquals("all", vnni.choices().cores());
        DeviceProfile android = Profiles.builtIn("android-arm64");
        assertEquals(List.of("softmax_qs8_lut16_ref", "softmax_qs8_ref"), android.kernelsFor("SOFTMAX"));
        assertEquals(67108864L, android.choices().arenaBudgetBytes());
        assertEquals(List.of("conv2d_qs8_gemm_4x8c4_neondot", "conv2d_qs8_gemm_4x8c4_neon", "conv2d_qu8_gemm_4x8_neon",
                "conv2d_qs8_direct_ref", "conv2d_qu8_direct_ref"),
                android.kernelsFor("CONV_2D"), "from arm64-dotprod");
    }

    @Test
    void anArchitectureWithoutProfilesFallsBackToTheRegistryOrder() {
        Device riscv = new Device("Linux 6.6", "riscv64", Devices.plainX86().cpu(), java.util.Set.of(), "native", 4, 4,
                List.of(), List.of(), io.edgert.device.MemoryInfo.UNKNOWN, Devices.NO_CUDA);
        ProfileMatch m = Profiles.match(riscv, Profiles.builtIns());
        assertEquals("none", m.profile().id());
        assertEquals("fallback", m.how());
        assertTrue(m.profile().choices().kernels().isEmpty());
        assertEquals(1, Profiles.threads(m.profile(), riscv));
        assertEquals(Profiles.builtIns().size(), m.others().size());
    }

    @Test
    void thisMachineGetsTheAvx512VnniOrAmxProfile() throws EdgertException {
        Device d = Device.detect();
        assumeTrue(d.arch().equals("x86_64") && d.hasFeature("avx512vnni") && !d.cuda().usable(),
                "the build machine has AVX-512 VNNI and no GPU; elsewhere this says nothing");
        assertEquals(d.hasFeature("amx-int8") ? "x86_64-amx" : "x86_64-avx512vnni", match(d).profile().id());
    }
}
