package io.edgert.cuda.plan;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * A model compiled for the CUDA kernels: the parameter words and constants to upload once, the kernel launches in
 * execution order, and the schedule that interleaves them with CPU ops and the transfers between host and device
 * copies of the arena (both laid out by the same MemoryPlan, so a tensor has one offset on both sides).
 *
 * @param params     every launch's parameter block, concatenated (int32 words)
 * @param consts     repacked weights, biases, multipliers, tables
 * @param launches   GPU launches in execution order
 * @param steps      what a run does, in order
 * @param arenaBytes size of the arena (device and host copies)
 */
public record CudaProgram(int[] params, byte[] consts, List<Launch> launches, List<Step> steps, long arenaBytes) {
    public CudaProgram {
        launches = List.copyOf(launches);
        steps = List.copyOf(steps);
    }

    /** One kernel launch: {@code count} outputs (threads of work), parameters at word {@code paramOffset}. */
    public record Launch(int op, CudaKernel kernel, int paramOffset, int count) {
    }

    /** One step of a run. */
    public sealed interface Step permits Upload, Download, Gpu, Host {
    }

    /** Host arena -> device arena, {@code bytes} at {@code offset} (tensor {@code tensor}). */
    public record Upload(int tensor, long offset, long bytes) implements Step {
    }

    /** Device arena -> host arena. */
    public record Download(int tensor, long offset, long bytes) implements Step {
    }

    /** Launch number {@code launch}. */
    public record Gpu(int launch) implements Step {
    }

    /** Op {@code op} on the CPU native kernels over the host arena. */
    public record Host(int op) implements Step {
    }

    /**
     * The plan file of the host emulator (native/src/main/cuda/host/emulator.cc): magic, version, launch table,
     * parameter words, constants; little-endian.
     */
    public byte[] emulatorPlan() {
        return emulatorPlan(launches);
    }

    /** The emulator plan of some of the launches (a GPU phase), in the given order. */
    public byte[] emulatorPlan(List<Launch> launches) {
        int words = 5 + 2 * launches.size() + params.length;
        ByteBuffer b = ByteBuffer.allocate(4 * words + consts.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x50554345).putInt(1).putInt(launches.size()).putInt(params.length).putInt(consts.length);
        for (Launch l : launches) {
            b.putInt(l.kernel().ordinal()).putInt(l.paramOffset());
        }
        for (int p : params) {
            b.putInt(p);
        }
        b.put(consts);
        return b.array();
    }

    /** Steps of each kind, for reports and tests: uploads, downloads, launches, host ops. */
    public int[] stepCounts() {
        int[] c = new int[4];
        for (Step s : steps) {
            if (s instanceof Upload) {
                c[0]++;
            } else if (s instanceof Download) {
                c[1]++;
            } else if (s instanceof Gpu) {
                c[2]++;
            } else {
                c[3]++;
            }
        }
        return c;
    }
}
