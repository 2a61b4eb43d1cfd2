package io.edgert.cuda;

import io.edgert.cuda.plan.CudaKernel;
import io.edgert.cuda.plan.CudaProgram;
import io.edgert.cuda.plan.CudaProgramBuilder;
import io.edgert.cuda.plan.Placement;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.Model;
import io.edgert.runtime.model.Graph;
import io.edgert.runtime.plan.MemoryPlan;

import java.nio.ByteBuffer;
import java.util.EnumSet;
import java.util.Set;

/** For tests outside this package: a model run through the emulated CUDA path (as EmulatorParityTest does). */
public final class EmulatedRuns {
    private EmulatedRuns() {
    }

    /** Outputs and the kernels that ran. */
    public record Result(byte[][] outputs, Set<CudaKernel> kernels) {
    }

    /** Simulated devices: {@code sm_90} (tensor cores) or {@code sm_75} (dp4a). */
    public static GpuDevice device(String arch) {
        return arch.equals("sm_75") ? EmulatorParityTest.T4 : EmulatorParityTest.H100;
    }

    public static boolean emulatorBuilt() {
        String p = System.getProperty("edgert.cuda.emulator");
        return p != null && java.nio.file.Files.isExecutable(java.nio.file.Path.of(p));
    }

    /** Runs {@code model} at its own shapes with {@code inputs} (raw bytes per model input). */
    public static Result run(Model model, byte[][] inputs, String rounding, GpuDevice device) throws Exception {
        Graph g = model.graph();
        int[][] shapes = BatchShapes.of(g, 0, g.input(0).shape().length > 0 ? g.input(0).dim(0) : 1);
        MemoryPlan mem = MemoryPlan.of(g, shapes);
        CudaProgram program = new CudaProgramBuilder(g, shapes, mem, rounding).build(Placement.decide(g, shapes,
                Profiles.builtIn("nvidia-sm90"), device, Placement.Mode.EXPLICIT));
        ByteBuffer host = EmulatedDevice.hostArena(mem.arenaBytes());
        for (int i = 0; i < g.inputs().length; i++) {
            host.put((int) mem.offset(g.inputs()[i]), inputs[i]);
        }
        EmulatedDevice.run(program, g, shapes, mem, rounding, host);
        byte[][] out = new byte[g.outputs().length][];
        for (int o = 0; o < out.length; o++) {
            int t = g.outputs()[o];
            if (g.tensor(t).isConstant()) {
                ByteBuffer d = g.tensor(t).data();
                out[o] = new byte[d.remaining()];
                d.get(out[o]);
            } else {
                out[o] = new byte[(int) mem.size(t)];
                host.get((int) mem.offset(t), out[o]);
            }
        }
        Set<CudaKernel> k = EnumSet.noneOf(CudaKernel.class);
        program.launches().forEach(l -> k.add(l.kernel()));
        return new Result(out, k);
    }
}
