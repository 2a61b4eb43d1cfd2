package io.edgert.cuda;

import io.edgert.cuda.plan.CudaProgram;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.plan.MemoryPlan;
import org.bytedeco.javacpp.BytePointer;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link CudaProgram} the way CudaSession does, phase by phase, with the device replaced by a byte array and
 * the kernel launches by the host emulator (native/src/main/cuda/host/emulator.cc: the same per-output functions
 * the device kernels call). Uploads and downloads copy between the host arena and that array; CPU ops run through
 * {@link HostOps} on the host arena, as in a session.
 */
final class EmulatedDevice {
    private EmulatedDevice() {
    }

    static Path emulator() {
        String p = System.getProperty("edgert.cuda.emulator");
        Path path = p != null ? Path.of(p) : null;
        Assumptions.assumeTrue(path != null && Files.isExecutable(path),
                "CUDA host emulator not built (make -C native/src/main/cuda host): skipping");
        return path;
    }

    /**
     * Runs the program. {@code host} is the host arena (inputs already in place, outputs read from it afterwards),
     * direct and 64-byte aligned.
     */
    static void run(CudaProgram program, Graph graph, int[][] shapes, MemoryPlan memory, String rounding,
                    ByteBuffer host) throws EdgertException, IOException, InterruptedException {
        Path exe = emulator();
        byte[] device = new byte[(int) program.arenaBytes()];
        Path dir = Files.createTempDirectory("edgert-emu");
        try (BytePointer hostPointer = new BytePointer(host)) {
            for (Phases.Phase phase : Phases.of(program)) {
                if (!phase.isGpu()) {
                    try (HostOps ops = HostOps.create(graph, shapes, memory, rounding, phase.hostOps())) {
                        ops.run(hostPointer);
                    }
                    continue;
                }
                List<CudaProgram.Launch> pending = new ArrayList<>();
                for (CudaProgram.Step s : phase.gpu()) {
                    if (s instanceof CudaProgram.Upload u) {
                        host.get((int) u.offset(), device, (int) u.offset(), (int) u.bytes());
                    } else if (s instanceof CudaProgram.Gpu g) {
                        pending.add(program.launches().get(g.launch()));
                    } else if (s instanceof CudaProgram.Download d) {
                        device = flush(exe, dir, program, pending, device);
                        host.put((int) d.offset(), device, (int) d.offset(), (int) d.bytes());
                    }
                }
                device = flush(exe, dir, program, pending, device);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static byte[] flush(Path exe, Path dir, CudaProgram program, List<CudaProgram.Launch> pending,
                                byte[] device) throws IOException, InterruptedException {
        if (pending.isEmpty()) {
            return device;
        }
        Path plan = dir.resolve("plan.bin");
        Path in = dir.resolve("arena.in");
        Path out = dir.resolve("arena.out");
        Files.write(plan, program.emulatorPlan(pending));
        Files.write(in, device);
        Process p = new ProcessBuilder(exe.toString(), plan.toString(), in.toString(), out.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("emulator failed: " + log);
        }
        pending.clear();
        return Files.readAllBytes(out);
    }

    /** A 64-byte aligned direct buffer of {@code bytes} (the host arena). */
    static ByteBuffer hostArena(long bytes) {
        return ByteBuffer.allocateDirect((int) bytes + 64).alignedSlice(64).order(ByteOrder.nativeOrder())
                .limit((int) bytes).slice().order(ByteOrder.nativeOrder());
    }
}
