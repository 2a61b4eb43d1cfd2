package io.edgert.cli;

import io.edgert.runtime.DataType;
import io.edgert.runtime.io.Npy;
import io.edgert.runtime.io.NpyArray;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RunCommandTest {
    /** uint8 [1, 128, 128, 3] input with scale 1/128, zero point 128; uint8 [1, 1001] output. */
    private static final String MOBILENET = "coral/mobilenet_v1_0.25_128_quant.tflite";
    private static final int[] INPUT_SHAPE = {1, 128, 128, 3};

    @TempDir
    Path dir;

    @Test
    void writesOneNpyPerOutputWithTheOutputShape() throws IOException {
        CliResult r = CliResult.run("run", SharedFiles.model(MOBILENET), "--output-dir", dir, "--backend", "tflite");
        assertEquals(0, r.exitCode(), r.toString());
        NpyArray out = Npy.read(dir.resolve("output_0.npy"));
        assertArrayEquals(new int[] {1, 1001}, out.shape());
        assertEquals(DataType.UINT8, out.dataType());
        assertTrue(r.out().contains("top-5"), "a [1, 1001] output is classifier-like: " + r.out());
        assertTrue(r.out().contains("random uint8 (seed 1)"), r.out());
    }

    @Test
    void floatOutputsAreDequantized() throws IOException {
        Path model = SharedFiles.model(MOBILENET);
        assertEquals(0, CliResult.run("run", model, "-o", dir.resolve("raw")).exitCode());
        CliResult r = CliResult.run("run", model, "-o", dir.resolve("float"), "--float-outputs");
        assertEquals(0, r.exitCode(), r.toString());
        NpyArray raw = Npy.read(dir.resolve("raw/output_0.npy"));
        NpyArray real = Npy.read(dir.resolve("float/output_0.npy"));
        assertEquals(DataType.FLOAT32, real.dataType());
        assertArrayEquals(raw.shape(), real.shape());
        float[] values = real.toFloats();
        // The output's quantization: scale 1/256, zero point 0 (TFLite's fixed softmax output parameters for uint8).
        for (int i = 0; i < values.length; i++) {
            assertEquals((raw.data()[i] & 0xff) / 256f, values[i], 0f, "element " + i);
        }
    }

    @Test
    void sameSeedSameOutputsOtherSeedOtherOutputs() throws IOException {
        Path model = SharedFiles.model(MOBILENET);
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        Path c = dir.resolve("c");
        assertEquals(0, CliResult.run("run", model, "--seed", 7, "-o", a).exitCode());
        assertEquals(0, CliResult.run("run", model, "--seed", 7, "-o", b).exitCode());
        assertEquals(0, CliResult.run("run", model, "--seed", 8, "-o", c).exitCode());
        byte[] first = Npy.read(a.resolve("output_0.npy")).data();
        assertArrayEquals(first, Npy.read(b.resolve("output_0.npy")).data());
        assertFalse(java.util.Arrays.equals(first, Npy.read(c.resolve("output_0.npy")).data()));
    }

    @Test
    void float32InputIsQuantizedWithTheInputsParameters() throws IOException {
        // Random uint8 q and the floats that quantize exactly back to them: (q - 128) / 128.
        Random rnd = new Random(3);
        byte[] q = new byte[128 * 128 * 3];
        rnd.nextBytes(q);
        float[] real = new float[q.length];
        for (int i = 0; i < q.length; i++) {
            real[i] = ((q[i] & 0xff) - 128) / 128f;
        }
        Path uint8File = dir.resolve("in_uint8.npy");
        Path floatFile = dir.resolve("in_float.npy");
        Npy.write(uint8File, new NpyArray(INPUT_SHAPE, DataType.UINT8, q));
        Npy.write(floatFile, NpyArray.ofFloats(INPUT_SHAPE, real));
        Path model = SharedFiles.model(MOBILENET);
        CliResult fromUint8 = CliResult.run("run", model, "--input", uint8File, "-o", dir.resolve("u"));
        CliResult fromFloat = CliResult.run("run", model, "--input", floatFile, "-o", dir.resolve("f"));
        assertEquals(0, fromUint8.exitCode(), fromUint8.toString());
        assertEquals(0, fromFloat.exitCode(), fromFloat.toString());
        assertTrue(fromFloat.out().contains("float32, quantized with scale=0.0078125 zp=128"), fromFloat.out());
        assertArrayEquals(Npy.read(dir.resolve("u/output_0.npy")).data(),
                Npy.read(dir.resolve("f/output_0.npy")).data());
    }

    @Test
    void wrongShapeIsRefusedWithExpectedAndGot() throws IOException {
        Path bad = dir.resolve("bad.npy");
        Npy.write(bad, NpyArray.ofFloats(new int[] {1, 10}, new float[10]));
        CliResult r = CliResult.run("run", SharedFiles.model(MOBILENET), "--input", bad, "-o", dir);
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("input 0 'input': expected shape [1, 128, 128, 3] uint8, got [1, 10] float32 from "
                + bad), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace for user errors: " + r.err());
    }

    @Test
    void wrongDtypeIsRefusedWithWhatWouldWork() throws IOException {
        Path bad = dir.resolve("int32.npy");
        byte[] data = new byte[128 * 128 * 3 * 4];
        Npy.write(bad, new NpyArray(INPUT_SHAPE, DataType.INT32, data));
        CliResult r = CliResult.run("run", SharedFiles.model(MOBILENET), "--input", bad, "-o", dir);
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("expected uint8 data (or float32, to be quantized with scale=0.0078125 zp=128), "
                + "got int32"), r.err());
    }

    @Test
    void wrongNumberOfInputFilesIsRefused() throws IOException {
        Path in = dir.resolve("in.npy");
        Npy.write(in, new NpyArray(INPUT_SHAPE, DataType.UINT8, new byte[128 * 128 * 3]));
        CliResult r = CliResult.run("run", SharedFiles.model(MOBILENET), "-i", in, "-i", in, "-o", dir);
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("expected 1 --input file (one per model input), got 2"), r.err());
    }

    @Test
    void modelWithAnUnknownCustomOpFailsToRunWithItsName() {
        CliResult r = CliResult.run("run", SharedFiles.model("coral/model_invoking_error.tflite"), "-o", dir);
        assertEquals(ExitCodes.RUN_FAILED, r.exitCode(), r.toString());
        assertTrue(r.err().contains("custom operator 'fake-op-double'") && r.err().contains("not registered"),
                r.err());
        assertFalse(r.err().contains("\tat "), r.err());
    }

    @Test
    void missingModelFileIsABadInput() {
        CliResult r = CliResult.run("run", dir.resolve("absent.tflite"));
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("no such file: " + dir.resolve("absent.tflite")), r.err());
    }

    @Test
    void unknownBackendNamesTheKnownOnes() {
        CliResult r = CliResult.run("run", SharedFiles.model(MOBILENET), "--backend", "warp-drive", "-o", dir);
        assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
        assertTrue(r.err().contains("unknown backend 'warp-drive'; known: tflite, tflite-ref"), r.err());
    }
}
