package io.edgert.cuda;

import io.edgert.cuda.plan.CudaKernel;
import io.edgert.runtime.EdgertException;
import org.bytedeco.javacpp.BytePointer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * A {@link GpuApi} without a GPU: device memory is Java arrays at made-up addresses, the stream is a queue run at
 * {@link #sync()}, graphs are recorded queues, and kernel launches run in the host emulator (consecutive launches
 * in one emulator process). Lets CudaSession run end to end on the CPU; counts what it was asked to do.
 */
final class EmulatedGpuApi implements GpuApi {
    /** What all instances were asked to do (a session opens a new one per plan). */
    static final class Stats {
        int captures;
        int replays;
        int launches;
        int uploads;
        int downloads;
        int opened;
        int closed;
    }

    static final Stats STATS = new Stats();

    private record Launch(CudaKernel kernel, long[] args) {
    }

    private final TreeMap<Long, byte[]> memory = new TreeMap<>();
    private final List<Object> queue = new ArrayList<>();
    private final List<ByteBuffer> pinned = new ArrayList<>();
    private List<Object> capturing;
    private long next = 0x7000_0000_0000L;

    EmulatedGpuApi() {
        STATS.opened++;
    }

    @Override
    public long malloc(long bytes) {
        long a = next;
        next += (Math.max(bytes, 64) + 255) / 256 * 256 + 256;
        memory.put(a, new byte[(int) Math.max(bytes, 64)]);
        return a;
    }

    @Override
    public void free(long address) {
        if (memory.remove(address) == null) {
            throw new IllegalStateException("free of an unknown address " + Long.toHexString(address));
        }
    }

    @Override
    public BytePointer mallocHost(long bytes) {
        ByteBuffer b = EmulatedDevice.hostArena(Math.max(bytes, 64));
        pinned.add(b);
        return new BytePointer(b).capacity(bytes);
    }

    @Override
    public void freeHost(BytePointer p) {
        p.close();
    }

    /** The allocation holding [address, address + bytes), and the offset in it. */
    private Map.Entry<Long, byte[]> at(long address, long bytes) {
        Map.Entry<Long, byte[]> e = memory.floorEntry(address);
        if (e == null || address + bytes > e.getKey() + e.getValue().length) {
            throw new IllegalStateException("device access out of bounds: " + Long.toHexString(address) + " + " + bytes);
        }
        return e;
    }

    @Override
    public void copyToDevice(long dst, BytePointer src, long bytes) {
        Map.Entry<Long, byte[]> e = at(dst, bytes);
        src.position(0).get(e.getValue(), (int) (dst - e.getKey()), (int) bytes);
    }

    private void enqueue(Object op) {
        (capturing != null ? capturing : queue).add(op);
    }

    @Override
    public void upload(long dst, BytePointer src, long bytes) {
        Map.Entry<Long, byte[]> e = at(dst, bytes);
        enqueue((Runnable) () -> {
            src.get(e.getValue(), (int) (dst - e.getKey()), (int) bytes);
            STATS.uploads++;
        });
    }

    @Override
    public void download(BytePointer dst, long src, long bytes) {
        Map.Entry<Long, byte[]> e = at(src, bytes);
        enqueue((Runnable) () -> {
            dst.put(e.getValue(), (int) (src - e.getKey()), (int) bytes);
            STATS.downloads++;
        });
    }

    @Override
    public void launch(CudaKernel kernel, int blocks, int threads, long[] args) {
        if (blocks <= 0 || threads != CudaSession.BLOCK) {
            throw new IllegalStateException("bad launch geometry " + blocks + " x " + threads);
        }
        enqueue(new Launch(kernel, args.clone()));
    }

    @Override
    public Object capture(Runnable enqueue) {
        capturing = new ArrayList<>();
        try {
            enqueue.run();
            STATS.captures++;
            return List.copyOf(capturing);
        } finally {
            capturing = null;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public void replay(Object graph) {
        queue.addAll((List<Object>) graph);
        STATS.replays++;
    }

    @Override
    public void destroyGraph(Object graph) {
    }

    @Override
    public void sync() throws EdgertException {
        List<Launch> batch = new ArrayList<>();
        try {
            for (Object op : queue) {
                if (op instanceof Launch l) {
                    batch.add(l);
                } else {
                    flush(batch);
                    ((Runnable) op).run();
                }
            }
            flush(batch);
        } catch (IOException | InterruptedException e) {
            throw new EdgertException("emulator: " + e);
        } finally {
            queue.clear();
        }
    }

    /** Runs launches that share their parameter, arena and constant allocations in one emulator process. */
    private void flush(List<Launch> batch) throws IOException, InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        Map.Entry<Long, byte[]> params = at(batch.get(0).args()[0], 4);
        Map.Entry<Long, byte[]> arena = at(batch.get(0).args()[1], 1);
        Map.Entry<Long, byte[]> consts = at(batch.get(0).args()[2], 1);
        if (arena.getKey() != batch.get(0).args()[1] || consts.getKey() != batch.get(0).args()[2]) {
            throw new IllegalStateException("arena / constants arguments are not allocation starts");
        }
        int words = params.getValue().length / 4;
        ByteBuffer plan = ByteBuffer.allocate(4 * (5 + 2 * batch.size() + words) + consts.getValue().length)
                .order(ByteOrder.LITTLE_ENDIAN);
        plan.putInt(0x50554345).putInt(1).putInt(batch.size()).putInt(words).putInt(consts.getValue().length);
        for (Launch l : batch) {
            if (at(l.args()[0], 4) != params && !at(l.args()[0], 4).getKey().equals(params.getKey())) {
                throw new IllegalStateException("launches of one batch use different parameter buffers");
            }
            plan.putInt(l.kernel().ordinal()).putInt((int) ((l.args()[0] - params.getKey()) / 4));
        }
        plan.put(params.getValue(), 0, 4 * words).put(consts.getValue());
        Path dir = Files.createTempDirectory("edgert-emu-api");
        try {
            Path planFile = dir.resolve("plan.bin");
            Path in = dir.resolve("arena.in");
            Path out = dir.resolve("arena.out");
            Files.write(planFile, plan.array());
            Files.write(in, arena.getValue());
            Process p = new ProcessBuilder(EmulatedDevice.emulator().toString(), planFile.toString(), in.toString(),
                    out.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("emulator failed: " + log);
            }
            byte[] result = Files.readAllBytes(out);
            System.arraycopy(result, 0, arena.getValue(), 0, result.length);
        } finally {
            for (String f : new String[] {"plan.bin", "arena.in", "arena.out"}) {
                Files.deleteIfExists(dir.resolve(f));
            }
            Files.delete(dir);
        }
        STATS.launches += batch.size();
        batch.clear();
    }

    @Override
    public void close() {
        if (!queue.isEmpty()) {
            throw new IllegalStateException("closed with " + queue.size() + " operations not synchronized");
        }
        STATS.closed++;
    }
}
