package io.edgert.jni;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.junit.jupiter.api.Test;

/** Loads libjniedgert, lists kernels, reads CPU features and runs a one-op int8 ADD plan over a native arena. */
class NativePlanSmokeTest {
    private static final int INT8 = 9;
    private static final int ADD = 0;

    @Test
    void listsKernels() {
        int n = NativePlan.edgert_kernel_count();
        assertTrue(n >= 40, "kernel count " + n);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String id = NativePlan.edgert_kernel_id(i).getString();
            assertTrue(id.matches("[a-z0-9]+_[a-z0-9_]+_(ref|avx2|avx512vnni|avxvnni|neon|neondot|neoni8mm|amx|cuda)"), id);
            assertTrue(ids.add(id), "duplicate " + id);
        }
        assertTrue(ids.contains("conv2d_qs8_direct_ref"));
        assertTrue(ids.contains("add_qs8_ref"));
        assertTrue(ids.contains("softmax_qu8_ref"));
    }

    @Test
    void readsCpuFeatures() {
        long features = NativePlan.edgert_cpu_features();
        String arch = System.getProperty("os.arch");
        if (arch.equals("amd64") || arch.equals("x86_64")) {
            assertTrue((features & NativePlan.CPU_SSE41) != 0, "x86-64 CPU without SSE4.1? " + Long.toHexString(features));
            assertEquals(0, features & NativePlan.CPU_ASIMD);
        } else if (arch.equals("aarch64")) {
            assertTrue((features & NativePlan.CPU_ASIMD) != 0);
        }
    }

    @Test
    void runsInt8AddPlan() {
        NativePlan.Handle plan = NativePlan.edgert_plan_create(NativePlan.REQUANT_GEMMLOWP);
        assertNotNull(plan);
        try (IntPointer dims = new IntPointer(new int[] {1, 4});
             FloatPointer scale = new FloatPointer(1);
             LongPointer zp = new LongPointer(1);
             BytePointer arena = new BytePointer(256)) {
            // a: scale 0.5, zp 1; b: scale 0.25, zp -2; out: scale 0.5, zp 0.
            scale.put(0.5f);
            zp.put(1L);
            int a = NativePlan.edgert_plan_add_tensor(plan, INT8, 2, dims, 0, null, 1, scale, zp, 0);
            scale.put(0.25f);
            zp.put(-2L);
            int b = NativePlan.edgert_plan_add_tensor(plan, INT8, 2, dims, 64, null, 1, scale, zp, 0);
            scale.put(0.5f);
            zp.put(0L);
            int out = NativePlan.edgert_plan_add_tensor(plan, INT8, 2, dims, 128, null, 1, scale, zp, 0);
            assertEquals(2, out, NativePlan.edgert_plan_error(plan).getString());
            try (IntPointer ins = new IntPointer(a, b); IntPointer outs = new IntPointer(new int[] {out});
                 IntPointer ints = new IntPointer(new int[] {0})) {
                assertEquals(0, NativePlan.edgert_plan_add_op(plan, ADD, "add_qs8_ref", 2, ins, 1, outs, 1, ints, 0, null));
            }
            assertEquals(0, NativePlan.edgert_plan_prepare(plan), NativePlan.edgert_plan_error(plan).getString());
            assertEquals("add_qs8_ref", NativePlan.edgert_plan_op_kernel(plan, 0).getString());
            // a = 0.5 * ([3, 11, -127, 127] - 1) = [1, 5, -64, 63]; b = 0.25 * ([2, -2, -128, 127] + 2) = [1, 0, -31.5, 32.25]
            put(arena, 0, new byte[] {3, 11, -127, 127});
            put(arena, 64, new byte[] {2, -2, -128, 127});
            try (LongPointer times = new LongPointer(1)) {
                assertEquals(0, NativePlan.edgert_plan_run(plan, arena, times), NativePlan.edgert_plan_error(plan).getString());
                assertTrue(times.get(0) >= 0);
            }
            byte[] result = new byte[4];
            for (int i = 0; i < 4; i++) {
                result[i] = arena.get(128 + i);
            }
            // sums [2, 5, -95.5, 95.25] / 0.5 = [4, 10, -191 -> -128, 190.5 -> 127]
            assertArrayEquals(new byte[] {4, 10, -128, 127}, result);
        } finally {
            NativePlan.edgert_plan_destroy(plan);
        }
    }

    private static void put(BytePointer p, long offset, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            p.put(offset + i, bytes[i]);
        }
    }

    @Test
    void reportsPrepareErrors() {
        NativePlan.Handle plan = NativePlan.edgert_plan_create(NativePlan.REQUANT_SINGLE);
        try (IntPointer ins = new IntPointer(new int[] {0}); IntPointer outs = new IntPointer(new int[] {0})) {
            assertEquals(-1, NativePlan.edgert_plan_add_op(plan, ADD, null, 1, ins, 1, outs, 0, null, 0, null));
            assertTrue(NativePlan.edgert_plan_error(plan).getString().contains("tensor 0"));
        } finally {
            NativePlan.edgert_plan_destroy(plan);
        }
    }
}
