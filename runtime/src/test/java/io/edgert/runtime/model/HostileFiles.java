package io.edgert.runtime.model;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.ModelFormatException;
import io.edgert.runtime.Session;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Feeds one hostile file to edgert and tallies what happened. The contract under test: the reader either rejects
 * the bytes with {@link ModelFormatException} or accepts them, and an accepted model then opens and runs in TFLite
 * without killing the JVM (TFLite may still refuse it with an {@link EdgertException}). Any other exception fails
 * the test with the case named.
 *
 * <p>Before each TFLite call the case is appended to {@code target/hostile-cases.log} and flushed, so when a mutant
 * does crash the JVM the last line of that file names it.
 */
final class HostileFiles {
    /** Accepted mutants whose activations exceed this are not run: TFLite would allocate it all, for nothing. */
    private static final long RUN_BUDGET_BYTES = 64L << 20;

    private static OutputStream log;

    int rejected;
    int accepted;
    int ran;
    int refusedByBackend;
    int tooLargeToRun;

    /** Validates {@code bytes}; when accepted, runs it in each backend named (none: validation only). */
    void check(String what, byte[] bytes, String... backends) {
        Model model;
        try {
            model = Model.load(bytes);
        } catch (ModelFormatException e) {
            if (e.getMessage() == null || e.getMessage().isBlank()) {
                throw new AssertionError(what + ": rejected without a message", e);
            }
            rejected++;
            return;
        } catch (RuntimeException | Error e) {
            throw new AssertionError(what + ": the reader threw " + e + " instead of ModelFormatException", e);
        }
        accepted++;
        try (model) {
            if (backends.length > 0 && activationBytes(model) > RUN_BUDGET_BYTES) {
                tooLargeToRun++;
                return;
            }
            for (String backend : backends) {
                run(what, model, backend);
            }
        }
    }

    private void run(String what, Model model, String backend) {
        logCase(what + " on " + backend);
        try (Session s = model.newSession(Session.Options.defaults().backend(backend))) {
            s.run();
            ran++;
        } catch (EdgertException e) {
            refusedByBackend++;
        } catch (RuntimeException e) {
            throw new AssertionError(what + " on " + backend + ": threw " + e + " instead of EdgertException", e);
        }
    }

    private static long activationBytes(Model model) {
        long total = 0;
        for (int s = 0; s < model.subgraphCount(); s++) {
            for (TensorInfo t : model.subgraph(s).tensors()) {
                if (!t.isConstant()) {
                    total += t.byteSize();
                }
            }
        }
        return total;
    }

    private static synchronized void logCase(String line) {
        try {
            if (log == null) {
                Path p = Path.of("target", "hostile-cases.log");
                Files.createDirectories(p.getParent());
                log = new FileOutputStream(p.toFile(), false);
            }
            log.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            log.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return rejected + " rejected, " + accepted + " accepted; backend runs of those (tflite-ref, native, some "
                + "tflite): " + ran + " ran, "
                + refusedByBackend + " refused by the backend (EdgertException), " + tooLargeToRun + " too large to run";
    }
}
