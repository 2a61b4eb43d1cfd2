package io.edgert.cuda;

import io.edgert.cuda.plan.Placement;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.BackendSession;
import io.edgert.runtime.backend.NativeBackend;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * CudaSession itself, end to end through its BackendSession interface, on the emulated device: buffers that are
 * views of the host arena, graph capture once and replay per run, CPU phases between GPU phases, batch resize
 * re-planning, and the auto mode declining small models. Outputs compared with the native backend.
 */
class EmulatedSessionTest {
    static Session.Options options(String profile) throws Exception {
        return Session.Options.defaults().profile(profile).withResolvedProfile();
    }

    private static void compare(String relative, BackendSession gpu, Session nat, int seed) throws Exception {
        Random rnd = new Random(seed);
        for (int i = 0; i < nat.inputCount(); i++) {
            byte[] data = new byte[nat.input(i).byteSize()];
            rnd.nextBytes(data);
            nat.input(i).putBytes(data);
            gpu.inputBuffer(i).put(data);
        }
        nat.run();
        gpu.run();
        for (int o = 0; o < nat.outputCount(); o++) {
            byte[] got = new byte[gpu.outputBuffer(o).remaining()];
            gpu.outputBuffer(o).get(got);
            assertArrayEquals(nat.output(o).getBytes(), got, relative + " output " + o + " seed " + seed);
        }
    }

    @Test
    void hybridModelRunsWithGraphsAndResizes() throws Exception {
        Assumptions.assumeTrue(NativeBackend.ensureLoadedForTests(), "native library unavailable");
        EmulatedDevice.emulator();
        String rel = "coral/tf2_mobilenet_v2_1.0_224_ptq.tflite";
        try (Model model = Model.load(SharedFiles.model(rel));
             Session nat = model.newSession(Session.Options.defaults().backend("native"));
             CudaSession gpu = CudaSession.open(model, options("nvidia-sm90"), EmulatorParityTest.H100,
                     Placement.Mode.EXPLICIT, EmulatedGpuApi::new)) {
            assertNotNull(gpu);
            EmulatedGpuApi.Stats s = EmulatedGpuApi.STATS;
            int captures = s.captures;
            int replays = s.replays;
            // QUANTIZE on the CPU, the network on the GPU, QUANTIZE on the CPU: one GPU phase, captured once.
            assertEquals(3, Phases.of(gpu.program()).size());
            assertEquals("cuda", gpu.backendName());
            compare(rel, gpu, nat, 1);
            compare(rel, gpu, nat, 2);
            assertEquals(captures, s.captures, "graphs are captured when planning, not per run");
            assertEquals(replays + 2, s.replays);
            int[] shape = model.input(0).shape();
            shape[0] = 2;
            gpu.resizeInput(0, shape);
            nat.resizeInput(0, shape);
            assertEquals(2, gpu.input(0).shape()[0]);
            compare(rel, gpu, nat, 3);
            assertEquals(captures + 1, s.captures, "resize re-plans and re-captures");
            int[] bad = shape.clone();
            bad[1] = 7;
            assertThrows(io.edgert.runtime.EdgertException.class, () -> gpu.resizeInput(0, bad));
        }
        assertEquals(EmulatedGpuApi.STATS.opened, EmulatedGpuApi.STATS.closed, "every device stream released");
    }

    @Test
    void withoutGraphsTheStepsAreEnqueuedEachRun() throws Exception {
        Assumptions.assumeTrue(NativeBackend.ensureLoadedForTests(), "native library unavailable");
        EmulatedDevice.emulator();
        String rel = "mlperf-tiny/pretrainedResnet_quant.tflite";
        System.setProperty("edgert.cuda.graphs", "false");
        try (Model model = Model.load(SharedFiles.model(rel));
             Session nat = model.newSession(Session.Options.defaults().backend("native"));
             CudaSession gpu = CudaSession.open(model, options("nvidia-sm80"),
                     new GpuDevice("simulated A100", 8, 0, 40L << 30, 108, false), Placement.Mode.EXPLICIT,
                     EmulatedGpuApi::new)) {
            int captures = EmulatedGpuApi.STATS.captures;
            int launches = EmulatedGpuApi.STATS.launches;
            compare(rel, gpu, nat, 5);
            assertEquals(captures, EmulatedGpuApi.STATS.captures);
            assertEquals(launches + gpu.program().launches().size(), EmulatedGpuApi.STATS.launches);
        } finally {
            System.clearProperty("edgert.cuda.graphs");
        }
    }

    @Test
    void autoDeclinesWhatTheProfileKeepsOnTheCpu() throws Exception {
        Assumptions.assumeTrue(NativeBackend.ensureLoadedForTests(), "native library unavailable");
        try (Model vww = Model.load(SharedFiles.model("mlperf-tiny/vww_96_int8.tflite"))) {
            int opened = EmulatedGpuApi.STATS.opened;
            assertNull(CudaSession.open(vww, options("nvidia-sm90"), EmulatorParityTest.H100, Placement.Mode.AUTO,
                    EmulatedGpuApi::new));
            assertEquals(opened, EmulatedGpuApi.STATS.opened, "no device resources for a declined model");
            assertTrue(Profiles.builtIn("nvidia-sm90").choices().gpuOffload().minMacs() > 7_500_000);
        }
    }
}
