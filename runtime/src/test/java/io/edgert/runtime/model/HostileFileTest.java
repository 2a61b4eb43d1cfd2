package io.edgert.runtime.model;

import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.tensorflow.lite.schema.Buffer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Garbage, truncated and byte-mutated model files: each is rejected with ModelFormatException, or accepted and then
 * run in TFLite and on edgert's native kernels without crashing the JVM (see {@link HostileFiles}). Seeded, so
 * every run tries the same files.
 *
 * <p>JVM crashes these tests found in TFLite 2.20, each now refused in Java before native code runs: an op's
 * intermediates offset pointing outside the file (SIGSEGV in InterpreterBuilder: {@link FlatBufferVerifier}); an op
 * output aliasing another op's tensor (SIGSEGV in XNNPACK's partitioner: {@link DataflowChecks}); an out-of-range
 * intermediate index (SIGSEGV in the int8 LSTM's Prepare); a metadata entry on a data-less buffer (SIGSEGV in
 * ReadAllMetadata); a dead operator (SIGSEGV in xnn_subgraph_fusion); a RESHAPE whose input type no longer matched
 * its output (heap overrun, abort).
 *
 * <p>Budget (about a minute on two cores): small models (under 100 KB) are mutated heavily and every accepted
 * mutant runs in {@code tflite-ref}; large models are mutated lightly and only a few accepted mutants run. Mutations
 * land mostly outside the weight buffers, where a flipped byte changes structure rather than a weight.
 */
class HostileFileTest {
    /** Override with {@code -Dedgert.hostile.seed=N} and multiply the counts with {@code -Dedgert.hostile.scale=K}
     *  for longer fuzzing runs; the defaults are what the build runs. */
    private static final long SEED = Long.getLong("edgert.hostile.seed", 0x5EED_ED6E_7L);
    private static final int SCALE = Integer.getInteger("edgert.hostile.scale", 1);
    /** Every n-th accepted small-model mutant also runs in XNNPACK ({@code -Dedgert.hostile.xnnpackEvery=1}: all). */
    private static final int XNNPACK_EVERY = Integer.getInteger("edgert.hostile.xnnpackEvery", 5);
    /** How many accepted mutants of each large model run ({@code -Dedgert.hostile.largeRuns=N}). */
    private static final int LARGE_RUNS = Integer.getInteger("edgert.hostile.largeRuns", 3);
    private static final int SMALL_MODEL_BYTES = 100_000;
    private static final HostileFiles TOTAL = new HostileFiles();

    @AfterAll
    static void printTotals() {
        System.out.println("hostile files, all tests: " + TOTAL);
    }

    private static void report(String test, HostileFiles h) {
        System.out.println("hostile files, " + test + ": " + h);
        TOTAL.rejected += h.rejected;
        TOTAL.accepted += h.accepted;
        TOTAL.ran += h.ran;
        TOTAL.refusedByBackend += h.refusedByBackend;
        TOTAL.tooLargeToRun += h.tooLargeToRun;
    }

    private static List<Path> models() {
        List<Path> all = SharedFiles.allModels();
        Assumptions.assumeFalse(all.isEmpty(), "../shared/models is absent: skipping");
        return all;
    }

    @Test
    void garbageIsRejected() {
        HostileFiles h = new HostileFiles();
        Random rnd = new Random(SEED);
        h.check("empty file", new byte[0]);
        for (int n = 1; n <= 16; n++) {
            h.check(n + " zero bytes", new byte[n]);
        }
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[8 + rnd.nextInt(4096)];
            rnd.nextBytes(b);
            h.check("random bytes #" + i, b, "tflite-ref");
        }
        // Random bodies behind a valid identifier and a plausible root offset get past the header checks.
        for (int i = 0; i < 300; i++) {
            byte[] b = new byte[16 + rnd.nextInt(2048)];
            rnd.nextBytes(b);
            ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, 8 + rnd.nextInt(b.length - 12));
            System.arraycopy("TFL3".getBytes(StandardCharsets.US_ASCII), 0, b, 4, 4);
            h.check("random body with TFL3 header #" + i, b, "tflite-ref");
        }
        report("garbage", h);
        assertEquals(617, h.rejected, "no garbage file should pass validation: " + h);
    }

    @Test
    void wrongIdentifierIsRejected() throws Exception {
        HostileFiles h = new HostileFiles();
        for (Path p : models()) {
            byte[] b = Files.readAllBytes(p);
            b[7] = '2';
            h.check(p.getFileName() + " with identifier TFL2", b);
        }
        assertEquals(models().size(), h.rejected, h.toString());
        report("wrong identifier", h);
    }

    @Test
    void truncationsAreRejected() throws Exception {
        HostileFiles h = new HostileFiles();
        Random rnd = new Random(SEED + 1);
        for (Path p : models()) {
            byte[] full = Files.readAllBytes(p);
            int cuts = (full.length < SMALL_MODEL_BYTES ? 150 : 30) * SCALE;
            for (int i = 0; i < cuts; i++) {
                // Half the cuts near the start (headers, tables), half anywhere.
                int len = i % 2 == 0 ? rnd.nextInt(Math.min(full.length, 4096)) : rnd.nextInt(full.length);
                h.check(p.getFileName() + " truncated to " + len + " bytes", Arrays.copyOf(full, len),
                        "tflite-ref");
            }
        }
        report("truncations", h);
        // The weights sit at the end of a converted file, so nearly every cut loses data the tables point at.
        assertTrue(h.rejected >= 0.9 * (h.rejected + h.accepted), h.toString());
    }

    @Test
    void byteMutationsAreRejectedOrRunSafely() throws Exception {
        HostileFiles h = new HostileFiles();
        Random rnd = new Random(SEED + 2);
        int n = 0;
        for (Path p : models()) {
            byte[] original = Files.readAllBytes(p);
            boolean small = original.length < SMALL_MODEL_BYTES;
            int mutations = (small ? 800 : 100) * SCALE;
            int[] structure = structureOffsets(original);
            int acceptedBefore = h.accepted;
            for (int i = 0; i < mutations; i++) {
                byte[] b = original.clone();
                int at = rnd.nextInt(10) < 9 ? structure[rnd.nextInt(structure.length)] : rnd.nextInt(b.length);
                byte v = switch (rnd.nextInt(6)) {
                    case 0 -> 0;
                    case 1 -> (byte) 0xFF;
                    case 2 -> (byte) 0x7F;
                    case 3 -> (byte) (b[at] ^ (1 << rnd.nextInt(8)));
                    case 4 -> (byte) (b[at] + 1);
                    default -> (byte) rnd.nextInt(256);
                };
                b[at] = v;
                String what = p.getFileName() + " mutation #" + i + ": byte " + at + " = 0x"
                        + Integer.toHexString(Byte.toUnsignedInt(v));
                h.check(what, b, backendsFor(small, h.accepted - acceptedBefore));
                n++;
            }
        }
        report("byte mutations (" + n + ")", h);
        assertTrue(h.rejected > 0 && h.ran > 0, h.toString());
    }

    /**
     * Where the next accepted mutant runs: every accepted small-model mutant in the builtin kernels and edgert's
     * native kernels, every
     * {@link #XNNPACK_EVERY}-th also in XNNPACK; large models only their first {@link #LARGE_RUNS} accepted mutants.
     */
    private static String[] backendsFor(boolean small, int acceptedSoFar) {
        if (!small && acceptedSoFar >= LARGE_RUNS) {
            return new String[0];
        }
        return acceptedSoFar % XNNPACK_EVERY == 0 ? new String[] {"tflite-ref", "native", "tflite"}
                : new String[] {"tflite-ref", "native"};
    }

    /** Offsets of the file outside the buffers' data (weights), where a mutation hits structure. */
    static int[] structureOffsets(byte[] file) {
        ByteBuffer bb = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        org.tensorflow.lite.schema.Model m = org.tensorflow.lite.schema.Model.getRootAsModel(bb);
        boolean[] data = new boolean[file.length];
        Buffer buf = new Buffer();
        for (int i = 0; i < m.buffersLength(); i++) {
            ByteBuffer d = m.buffers(buf, i).dataAsByteBuffer();
            if (d != null) {
                Arrays.fill(data, d.position(), d.limit(), true);
            }
        }
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < file.length; i++) {
            if (!data[i]) {
                r.add(i);
            }
        }
        return r.stream().mapToInt(Integer::intValue).toArray();
    }
}
