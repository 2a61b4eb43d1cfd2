package io.edgert.cli;

import io.edgert.runtime.DataType;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.Tensor;
import io.edgert.runtime.io.Npy;
import io.edgert.runtime.io.NpyArray;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/** Fills session inputs from {@code .npy} files or seeded random data, with clear expected-vs-got errors. */
final class InputFeeder {
    private InputFeeder() {
    }

    /**
     * Copies an array of the tensor's shape in. The dtype must be the tensor's own, or float32 for a per-tensor
     * quantized input (then quantized with the tensor's scale and zero point, as TFLite users feed real values).
     *
     * @return how the input was filled, for the command's report
     */
    static String fromNpy(Tensor t, Path file) throws IOException {
        NpyArray a = Npy.read(file);
        String what = label(t);
        if (!Arrays.equals(a.shape(), t.shape())) {
            throw CliException.badInput(what + ": expected shape " + Formats.shape(t.shape()) + " " + t.dataType().label()
                    + ", got " + Formats.shape(a.shape()) + " " + a.dataType().label() + " from " + file);
        }
        if (a.dataType() == t.dataType()) {
            // .npy data is little-endian, as is every platform edgert runs on (x86_64, arm64).
            t.putBytes(a.data());
            return file + " (" + a.dataType().label() + ")";
        }
        Quantization q = t.quantization();
        boolean quantizable = t.dataType().isQuantizedType() && q.isPerTensor();
        if (a.dataType() == DataType.FLOAT32 && quantizable) {
            t.putFloats(a.toFloats());
            return file + " (float32, quantized with " + q + ")";
        }
        throw CliException.badInput(what + ": expected " + t.dataType().label() + " data"
                + (quantizable ? " (or float32, to be quantized with " + q + ")" : "") + ", got "
                + a.dataType().label() + " from " + file);
    }

    /** Seeded random data over the dtype's range ({@link io.edgert.runtime.io.RandomInputs}). */
    static String random(Tensor t, Random rnd) {
        try {
            io.edgert.runtime.io.RandomInputs.fill(t, rnd);
        } catch (IllegalArgumentException e) {
            throw CliException.badInput(e.getMessage() + "; pass --input FILE.npy");
        }
        return "random " + t.dataType().label();
    }

    static String label(Tensor t) {
        return (t.isInput() ? "input " : "output ") + t.index() + " '" + t.name() + "'";
    }
}
