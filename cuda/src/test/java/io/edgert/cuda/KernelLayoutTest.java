package io.edgert.cuda;

import io.edgert.cuda.plan.CudaKernel;
import io.edgert.cuda.plan.CudaProgram;
import io.edgert.cuda.plan.CudaProgramBuilder;
import io.edgert.cuda.plan.Placement;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.Model;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.plan.MemoryPlan;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Java and the kernels agree on the contract: the kernel order of ECU_KERNEL_LIST (the emulator's and CudaKernel's
 * indices) and the size of every parameter block (sizeof of the C++ struct, printed by the emulator, against the
 * words the Java builder writes for it).
 */
class KernelLayoutTest {
    static Path header() {
        String src = System.getProperty("edgert.cuda.src");
        Assumptions.assumeTrue(src != null, "edgert.cuda.src not set (run through Maven)");
        return Path.of(src, "edgert_cuda_ops.h");
    }

    @Test
    void javaKernelOrderIsTheHeaderOrder() throws Exception {
        String text = Files.readString(header());
        Matcher m = Pattern.compile("X\\((ecu_\\w+),").matcher(text);
        List<String> names = new ArrayList<>();
        while (m.find()) {
            names.add(m.group(1));
        }
        List<String> java = new ArrayList<>();
        for (CudaKernel k : CudaKernel.values()) {
            java.add(k.symbol());
        }
        assertEquals(names, java);
    }

    static Map<String, Integer> structWords() throws Exception {
        Path exe = EmulatedDevice.emulator();
        Process p = new ProcessBuilder(exe.toString(), "--layout").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        Map<String, Integer> words = new HashMap<>();
        for (String line : out.strip().split("\n")) {
            String[] f = line.split(" ");
            words.put(f[0], Integer.parseInt(f[1]));
        }
        return words;
    }

    @Test
    void parameterBlocksHaveTheStructSizes() throws Exception {
        Map<String, Integer> words = structWords();
        assertEquals(CudaKernel.values().length, words.size());
        Map<CudaKernel, Integer> seen = new HashMap<>();
        for (String rel : List.of("mlperf-tiny/pretrainedResnet_quant.tflite", "coral/tf2_mobilenet_v2_1.0_224_ptq.tflite",
                "tflite-micro/hello_world_int8.tflite", "mlperf-tiny/vww_96_int8.tflite")) {
            try (Model model = Model.load(SharedFiles.model(rel))) {
                Graph g = model.graph();
                int[][] shapes = BatchShapes.of(g, 0, 1);
                MemoryPlan mem = MemoryPlan.of(g, shapes);
                CudaProgram p = new CudaProgramBuilder(g, shapes, mem, "tflite-ref").build(Placement.decide(g, shapes,
                        Profiles.builtIn("nvidia-sm90"), EmulatorParityTest.H100, Placement.Mode.EXPLICIT));
                for (int i = 0; i < p.launches().size(); i++) {
                    CudaProgram.Launch l = p.launches().get(i);
                    int end = i + 1 < p.launches().size() ? p.launches().get(i + 1).paramOffset() : p.params().length;
                    int n = end - l.paramOffset();
                    assertEquals(words.get(l.kernel().symbol()), n, rel + " launch " + i + " " + l.kernel());
                    seen.put(l.kernel(), n);
                }
            }
        }
        assertTrue(seen.size() >= 9, "kernels covered: " + seen.keySet());
    }
}
