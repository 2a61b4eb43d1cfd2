package io.edgert.runtime.io;

import io.edgert.runtime.Session;
import io.edgert.runtime.Tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Reproducible random model inputs: uniform over the element type's range (float32 in [-1, 1); int32 in [0, 100)
 * so that index-like inputs stay small). Same seed, same bytes: for benchmarks, parity runs and {@code edgert run}.
 */
public final class RandomInputs {
    private RandomInputs() {
    }

    /** Fills every input of {@code session} from one generator seeded with {@code seed}. */
    public static void fill(Session session, long seed) {
        Random rnd = new Random(seed);
        for (Tensor t : session.inputs()) {
            fill(t, rnd);
        }
    }

    /** Fills one tensor; IllegalArgumentException for types without a sensible random range (strings...). */
    public static void fill(Tensor t, Random rnd) {
        int n = (int) t.elementCount();
        ByteBuffer b = ByteBuffer.allocate(t.byteSize()).order(ByteOrder.nativeOrder());
        switch (t.dataType()) {
            case INT8, UINT8 -> rnd.nextBytes(b.array());
            case BOOL -> {
                for (int i = 0; i < n; i++) {
                    b.put(i, (byte) rnd.nextInt(2));
                }
            }
            case INT16 -> {
                for (int i = 0; i < n; i++) {
                    b.putShort(2 * i, (short) rnd.nextInt(1 << 16));
                }
            }
            case INT32 -> {
                for (int i = 0; i < n; i++) {
                    b.putInt(4 * i, rnd.nextInt(100));
                }
            }
            case FLOAT32 -> {
                for (int i = 0; i < n; i++) {
                    b.putFloat(4 * i, rnd.nextFloat() * 2 - 1);
                }
            }
            default -> throw new IllegalArgumentException((t.isInput() ? "input " : "output ") + t.index() + " '"
                    + t.name() + "': cannot make random " + t.dataType().label() + " data");
        }
        t.putBytes(b.array());
    }
}
