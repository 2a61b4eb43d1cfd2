package io.edgert.quant;

import io.edgert.quant.calib.CalibrationMethod;
import io.edgert.quant.data.NpySamples;
import io.edgert.quant.data.RandomSamples;
import io.edgert.quant.data.SampleSource;
import io.edgert.quant.eval.Yardstick;
import io.edgert.runtime.DataType;
import io.edgert.runtime.Model;
import io.edgert.runtime.Quantization;
import io.edgert.runtime.io.Npy;
import io.edgert.runtime.io.NpyArray;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The real float models of ../shared: spec conformance, both TFLite paths, file handling, the vww time budget. */
class SharedModelsTest {
    @ParameterizedTest
    @ValueSource(strings = {"mlperf-tiny/pretrainedResnet.tflite", "mlperf-tiny/vww_96_float.tflite",
            "mlperf-tiny/kws_ref_model_float32.tflite", "mlperf-tiny/ad01_fp32.tflite",
            "tflite-micro/hello_world_float.tflite"})
    void quantizedModelFollowsTheInt8SpecAndRunsInBothPaths(String name) throws Exception {
        byte[] f = Files.readAllBytes(SharedFiles.model(name));
        int n;
        try (Model m = Model.load(f)) {
            n = (int) m.input(0).elementCount();
        }
        ModelQuantizer.Result r = new ModelQuantizer(QuantizerOptions.defaults().withStrict(true))
                .quantize(f, new RandomSamples(8, n, 0f, 1f, 1, false), null);
        try (Model m = Model.load(r.model())) {
            for (OpInfo op : m.operators()) {
                TensorInfo out = m.tensors().get(op.output(0));
                assertEquals(DataType.INT8, out.dataType(), op.toString());
                switch (op.type()) {
                    case "CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED" -> checkWeighted(m, op);
                    case "SOFTMAX" -> {
                        assertEquals(1f / 256, out.quantization().scale());
                        assertEquals(-128, out.quantization().zeroPoint());
                    }
                    case "RESHAPE", "AVERAGE_POOL_2D", "MAX_POOL_2D" -> {
                        Quantization in = m.tensors().get(op.input(0)).quantization();
                        assertEquals(in.scale(), out.quantization().scale(), op.toString());
                        assertEquals(in.zeroPoint(), out.quantization().zeroPoint(), op.toString());
                    }
                    default -> {
                    }
                }
            }
        }
        ModelQuantizerTest.runsInBothBackends(r.model(), new RandomSamples(1, n, 0f, 1f, 2, false).sample(0));
    }

    private static void checkWeighted(Model m, OpInfo op) {
        TensorInfo in = m.tensors().get(op.input(0));
        TensorInfo w = m.tensors().get(op.input(1));
        assertEquals(DataType.INT8, w.dataType());
        Quantization wq = w.quantization();
        int axis = op.type().equals("DEPTHWISE_CONV_2D") ? 3 : 0;
        assertEquals(w.dim(axis), wq.channelCount(), op + ": per-channel weights");
        assertEquals(axis, wq.quantizedDimension(), op.toString());
        java.nio.ByteBuffer data = w.data();
        for (int i = 0; i < data.remaining(); i++) {
            assertTrue(data.get(data.position() + i) != -128, op + ": weight -128");
        }
        for (int c = 0; c < wq.channelCount(); c++) {
            assertEquals(0, wq.zeroPoint(c));
        }
        if (op.inputCount() > 2 && op.input(2) >= 0) {
            TensorInfo b = m.tensors().get(op.input(2));
            assertEquals(DataType.INT32, b.dataType());
            for (int c = 0; c < wq.channelCount(); c++) {
                assertEquals(in.quantization().scale() * wq.scale(c), b.quantization().scale(c),
                        1e-6 * b.quantization().scale(c), op + ": bias scale of channel " + c);
            }
        }
    }

    @Test
    void biasCorrectionRaisesKwsOutputSqnr() throws Exception {
        byte[] f = Files.readAllBytes(SharedFiles.model("mlperf-tiny/kws_ref_model_float32.tflite"));
        SampleSource cal = new RandomSamples(64, 490, -120f, 25f, 1, false);
        SampleSource eval = new RandomSamples(32, 490, -120f, 25f, 2, false);
        QuantizerOptions base = QuantizerOptions.defaults().withMethod(CalibrationMethod.MSE);
        double plain = new ModelQuantizer(base).quantize(f, cal, eval).report().output().sqnrDb();
        for (BiasCorrection bc : new BiasCorrection[] {BiasCorrection.ANALYTIC, BiasCorrection.EMPIRICAL}) {
            ModelQuantizer.Result r = new ModelQuantizer(base.withBiasCorrection(bc)).quantize(f, cal, eval);
            assertEquals(10, r.report().biasCorrectedLayers(), bc.label());
            assertTrue(r.report().output().sqnrDb() > plain - 0.5, bc + ": " + r.report().output().sqnrDb() + " vs " + plain);
            ModelQuantizerTest.runsInBothBackends(r.model(), cal.sample(0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"uint8", "float"})
    void vwwWithUint8OrFloatEdgesRunsInBothPaths(String io) throws Exception {
        byte[] f = Files.readAllBytes(SharedFiles.model("mlperf-tiny/vww_96_float.tflite"));
        SampleSource s = new RandomSamples(8, 96 * 96 * 3, 0f, 1f, 1, false);
        ModelQuantizer.Result r = new ModelQuantizer(QuantizerOptions.defaults().withIo(IoType.parse(io)))
                .quantize(f, s, s);
        try (Model m = Model.load(r.model())) {
            assertEquals(io.equals("float") ? DataType.FLOAT32 : DataType.UINT8, m.input(0).dataType());
            assertEquals(io.equals("float") ? DataType.FLOAT32 : DataType.UINT8, m.output(0).dataType());
            assertEquals("input_1", m.input(0).name());
        }
        assertTrue(r.report().output().sqnrDb() > 20, r.report().toText());
        ModelQuantizerTest.runsInBothBackends(r.model(), s.sample(0));
    }

    @Test
    void perTensorFullyConnectedUsesOneScale() throws Exception {
        byte[] f = Files.readAllBytes(SharedFiles.model("tflite-micro/hello_world_float.tflite"));
        ModelQuantizer.Result r = new ModelQuantizer(QuantizerOptions.defaults().withPerTensorFc(true))
                .quantize(f, new RandomSamples(8, 1, 0f, 6.28f, 1, false), null);
        try (Model m = Model.load(r.model())) {
            for (OpInfo op : m.operators()) {
                assertEquals(1, m.tensors().get(op.input(1)).quantization().channelCount());
            }
        }
        ModelQuantizerTest.runsInBothBackends(r.model(), new float[] {1f});
    }

    @Test
    void pruningReachesItsSparsityAndShrinksTheCompressedModel() throws Exception {
        byte[] f = Files.readAllBytes(SharedFiles.model("mlperf-tiny/ad01_fp32.tflite"));
        SampleSource s = new RandomSamples(16, 640, -80f, 15f, 1, false);
        ModelQuantizer.Result dense = new ModelQuantizer(QuantizerOptions.defaults()).quantize(f, s, null);
        ModelQuantizer.Result half = new ModelQuantizer(QuantizerOptions.defaults()
                .withPrune(io.edgert.quant.graph.PruneSpec.parse("0.5"))).quantize(f, s, s);
        assertEquals(0.5, half.report().prune().sparsity(), 0.01);
        assertTrue(half.report().deflatedAfter() < 0.8 * dense.report().deflatedAfter(),
                half.report().deflatedAfter() + " vs " + dense.report().deflatedAfter());
        ModelQuantizer.Result nm = new ModelQuantizer(QuantizerOptions.defaults()
                .withPrune(io.edgert.quant.graph.PruneSpec.parse("2:4"))).quantize(f, s, null);
        assertEquals(0.5, nm.report().prune().sparsity(), 0.01);
        ModelQuantizerTest.runsInBothBackends(half.model(), s.sample(0));
    }

    @Test
    void vwwWith200CalibrationSamplesTakesUnder30Seconds() throws Exception {
        Yardstick y = new Yardstick(SharedFiles.require(), 200, 1);
        Yardstick.Case vww = Yardstick.CASES.get(1);
        SampleSource[] s = y.samples(vww);
        byte[] f = Files.readAllBytes(SharedFiles.model("mlperf-tiny/vww_96_float.tflite"));
        long t0 = System.nanoTime();
        new ModelQuantizer(QuantizerOptions.defaults().withMethod(CalibrationMethod.MSE)).quantize(f, s[0], null);
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("vww, 200 samples, mse: %.2f s%n", seconds);
        assertTrue(seconds < 30, "took " + seconds + " s");
    }

    @Test
    void writesAtomicallyAndNeverOverTheInput(@TempDir Path dir) throws Exception {
        Path in = dir.resolve("hello.tflite");
        Files.copy(SharedFiles.model("tflite-micro/hello_world_float.tflite"), in);
        byte[] before = Files.readAllBytes(in);
        ModelQuantizer q = new ModelQuantizer(QuantizerOptions.defaults());
        SampleSource s = new RandomSamples(4, 1, 0f, 6.28f, 1, false);
        assertThrows(IllegalArgumentException.class, () -> q.quantize(in, in, s, null));
        assertArrayEquals(before, Files.readAllBytes(in));
        Path out = dir.resolve("hello_int8.tflite");
        ModelQuantizer.Result r = q.quantize(in, out, s, s);
        assertArrayEquals(r.model(), Files.readAllBytes(out));
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void npyCalibrationDataIsCheckedAgainstTheInput(@TempDir Path dir) throws IOException {
        Npy.write(dir.resolve("a.npy"), NpyArray.ofFloats(new int[] {3, 1}, new float[] {0.5f, 1f, 2f}));
        NpySamples ok = NpySamples.load(dir, new int[] {1, 1}, 100);
        assertEquals(3, ok.size());
        assertEquals(2f, ok.sample(2)[0]);
        IOException shape = assertThrows(IOException.class, () -> NpySamples.load(dir, new int[] {1, 2}, 100));
        assertTrue(shape.getMessage().contains("does not hold whole samples"), shape.getMessage());
        Files.write(dir.resolve("b.npy"), new byte[] {1, 2, 3});
        IOException bad = assertThrows(IOException.class, () -> NpySamples.load(dir, new int[] {1, 1}, 100));
        assertTrue(bad.getMessage().contains("b.npy"), bad.getMessage());
        IOException none = assertThrows(IOException.class, () -> NpySamples.load(dir.resolve("missing"), new int[] {1}, 1));
        assertTrue(none.getMessage().contains("not a directory"), none.getMessage());
    }
}
