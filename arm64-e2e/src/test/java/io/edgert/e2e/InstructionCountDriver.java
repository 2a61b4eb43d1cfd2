package io.edgert.e2e;

import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.io.RandomInputs;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Main class run in the emulated arm64 JVM with the edgert_insn qemu plugin (.ci/qemu-insn): for each model, one
 * warm-up inference on {@code native} (1 thread, seeded random inputs), then RUNS inferences each bracketed by the
 * plugin's marker system calls, lseek to {@link #START} and {@link #STOP}, so that the plugin prints the instructions
 * this thread executed for exactly one {@code session.run()}. Prints "model NAME" before each model's counts.
 */
public final class InstructionCountDriver {
    static final long START = 0xED6E000001L;
    static final long STOP = 0xED6E000002L;

    private InstructionCountDriver() {
    }

    /** Arguments: RUNS MODEL... */
    public static void main(String[] args) throws Exception {
        int runs = Integer.parseInt(args[0]);
        Path marker = Files.createTempFile("edgert-insn", ".marker");
        try (FileChannel ch = FileChannel.open(marker, StandardOpenOption.READ)) {
            for (int i = 1; i < args.length; i++) {
                Path model = Path.of(args[i]);
                try (Model m = Model.load(model);
                     Session s = m.newSession(Session.Options.defaults().backend("native").threads(1))) {
                    RandomInputs.fill(s, 7);
                    s.run();
                    System.out.println("model " + EmulatedRunDriver.name(model));
                    System.out.flush();
                    for (int r = 0; r < runs; r++) {
                        ch.position(START);  // FileChannel.position is one lseek: the plugin's marker
                        s.run();
                        ch.position(STOP);
                    }
                }
            }
        } finally {
            Files.delete(marker);
        }
    }
}
