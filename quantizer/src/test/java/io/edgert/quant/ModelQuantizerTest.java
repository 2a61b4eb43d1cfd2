package io.edgert.quant;

import io.edgert.quant.calib.CalibrationMethod;
import io.edgert.quant.data.RandomSamples;
import io.edgert.quant.data.SampleSource;
import io.edgert.quant.graph.ModelBytes;
import io.edgert.runtime.DataType;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.model.OpInfo;
import io.edgert.runtime.model.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The int8 rewrite on the synthetic op chain: every op quantized, spec constraints met, runs in both TFLite paths. */
class ModelQuantizerTest {
    static final List<String> BACKENDS = List.of("tflite", "tflite-ref");

    static SampleSource samples(int n, int elements, long seed) {
        return new RandomSamples(n, elements, -1f, 1f, seed, false);
    }

    /** Runs the model once in both TFLite paths and returns output 0 as floats from the reference path. */
    static float[] runsInBothBackends(byte[] model, float[] input) throws EdgertException {
        float[] out = null;
        for (String b : BACKENDS) {
            try (Model m = Model.load(model); Session s = m.newSession(Session.Options.defaults().backend(b))) {
                s.input(0).putFloats(input);
                s.run();
                out = s.output(0).getFloats();
            }
        }
        return out;
    }

    @ParameterizedTest
    @EnumSource(IoType.class)
    void quantizesPadMulConcatMeanAddLogistic(IoType io) throws Exception {
        byte[] f = TinyModels.elementwiseChain(false);
        ModelQuantizer.Result r = new ModelQuantizer(QuantizerOptions.defaults().withIo(io).withStrict(true))
                .quantize(f, samples(20, 32, 1), samples(10, 32, 2));
        assertTrue(r.report().floatOps().isEmpty());
        assertTrue(r.report().output().sqnrDb() > 25, r.report().toText());
        try (Model m = Model.load(r.model())) {
            DataType edge = switch (io) {
                case INT8 -> DataType.INT8;
                case UINT8 -> DataType.UINT8;
                case FLOAT -> DataType.FLOAT32;
            };
            assertEquals(edge, m.input(0).dataType());
            assertEquals(edge, m.output(0).dataType());
            assertEquals("x", m.input(0).name());
            for (OpInfo op : m.operators()) {
                TensorInfo out = m.tensors().get(op.output(0));
                switch (op.type()) {
                    case "LOGISTIC" -> {
                        assertEquals(1f / 256, out.quantization().scale());
                        assertEquals(-128, out.quantization().zeroPoint());
                    }
                    case "PAD" -> assertEquals(m.tensors().get(op.input(0)).quantization().scale(),
                            out.quantization().scale());
                    case "CONCATENATION" -> {
                        for (int in : op.inputs()) {
                            assertEquals(out.quantization().scale(), m.tensors().get(in).quantization().scale(), "concat input " + in);
                            assertEquals(out.quantization().zeroPoint(), m.tensors().get(in).quantization().zeroPoint());
                        }
                    }
                    default -> {
                    }
                }
                if (!op.type().equals("QUANTIZE") && !op.type().equals("DEQUANTIZE")) {
                    assertEquals(DataType.INT8, out.dataType(), op.toString());
                }
            }
        }
        runsInBothBackends(r.model(), samples(1, 32, 3).sample(0));
    }

    /** Every other op of the model builder: all become int8 under --strict and run alike on TFLite and native. */
    @Test
    void quantizesTheRemainingBuilderOps() throws Exception {
        byte[] f = TinyModels.remainingOps();
        ModelQuantizer.Result r = new ModelQuantizer(QuantizerOptions.defaults().withStrict(true))
                .quantize(f, samples(30, 192, 1), samples(10, 192, 2));
        assertTrue(r.report().floatOps().isEmpty(), r.report().floatOps().toString());
        assertTrue(r.report().output().sqnrDb() > 20, r.report().toText());
        try (Model m = Model.load(r.model())) {
            List<String> types = m.operators().stream().map(OpInfo::type).toList();
            for (String expected : List.of("CONV_2D", "MAX_POOL_2D", "DEPTHWISE_CONV_2D", "HARD_SWISH", "SUB",
                    "LEAKY_RELU", "TRANSPOSE", "STRIDED_SLICE", "RELU", "AVERAGE_POOL_2D", "SQUEEZE",
                    "FULLY_CONNECTED", "TANH", "RESHAPE", "SOFTMAX")) {
                assertTrue(types.contains(expected), expected + " in " + types);
            }
            for (OpInfo op : m.operators()) {
                assertEquals(DataType.INT8, m.tensors().get(op.output(0)).dataType(), op.toString());
            }
            try (Session nat = m.newSession(Session.Options.defaults().backend("native"));
                 Session ref = m.newSession(Session.Options.defaults().backend("tflite-ref"));
                 Session xnn = m.newSession(Session.Options.defaults().backend("tflite"))) {
                for (long seed = 0; seed < 5; seed++) {
                    for (Session s : new Session[] {nat, ref, xnn}) {
                        io.edgert.runtime.io.RandomInputs.fill(s, seed);
                        s.run();
                    }
                    org.junit.jupiter.api.Assertions.assertArrayEquals(ref.output(0).getBytes(),
                            nat.output(0).getBytes(), "native vs tflite-ref, seed " + seed);
                }
            }
        }
    }

    @Test
    void unsupportedOpStaysFloatBetweenDequantizeAndQuantize() throws Exception {
        byte[] f = TinyModels.elementwiseChain(true);
        ModelQuantizer.Result r = new ModelQuantizer(QuantizerOptions.defaults()).quantize(f, samples(20, 32, 1),
                samples(10, 32, 2));
        assertEquals(1, r.report().floatOps().size());
        assertTrue(r.report().floatOps().get(0).contains("EXP"), r.report().floatOps().toString());
        assertTrue(r.report().output().sqnrDb() > 20, r.report().toText());
        try (Model m = Model.load(r.model())) {
            List<String> types = m.operators().stream().map(OpInfo::type).toList();
            int exp = types.indexOf("EXP");
            assertEquals("DEQUANTIZE", types.get(exp - 1));
            assertEquals("QUANTIZE", types.get(exp + 1));
        }
        runsInBothBackends(r.model(), samples(1, 32, 3).sample(0));
    }

    @Test
    void strictRefusesAnUnsupportedOp() {
        byte[] f = TinyModels.elementwiseChain(true);
        QuantizationException e = assertThrows(QuantizationException.class, () -> new ModelQuantizer(
                QuantizerOptions.defaults().withStrict(true)).quantize(f, samples(5, 32, 1), null));
        assertTrue(e.getMessage().contains("EXP") && e.getMessage().contains("strict"), e.getMessage());
    }

    @Test
    void refusesAnAlreadyQuantizedModel() throws Exception {
        byte[] f = TinyModels.elementwiseChain(false);
        byte[] q = new ModelQuantizer(QuantizerOptions.defaults()).quantize(f, samples(5, 32, 1), null).model();
        QuantizationException e = assertThrows(QuantizationException.class,
                () -> new ModelQuantizer(QuantizerOptions.defaults()).quantize(q, samples(5, 32, 1), null));
        assertTrue(e.getMessage().contains("expected a float32 model"), e.getMessage());
    }

    @Test
    void refusesMalformedBytesAndMisfitSamples() {
        assertThrows(io.edgert.runtime.ModelFormatException.class, () -> new ModelQuantizer(QuantizerOptions.defaults())
                .quantize(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, samples(1, 32, 1), null));
        byte[] f = TinyModels.elementwiseChain(false);
        QuantizationException e = assertThrows(QuantizationException.class,
                () -> new ModelQuantizer(QuantizerOptions.defaults()).quantize(f, samples(3, 31, 1), null));
        assertTrue(e.getMessage().contains("expected 32 values per sample, got 31"), e.getMessage());
    }

    @Test
    void everyMethodGivesAUsableModel() throws Exception {
        byte[] f = TinyModels.elementwiseChain(false);
        for (CalibrationMethod method : CalibrationMethod.values()) {
            ModelQuantizer.Result r = new ModelQuantizer(QuantizerOptions.defaults().withMethod(method))
                    .quantize(f, samples(30, 32, 1), samples(10, 32, 2));
            assertTrue(r.report().output().sqnrDb() > 15, method + ": " + r.report().toText());
        }
    }

    @Test
    void leavesTheFloatInputUntouchedAndReportsJson() throws Exception {
        byte[] f = TinyModels.elementwiseChain(false);
        byte[] copy = f.clone();
        ModelQuantizer.Result r = new ModelQuantizer(QuantizerOptions.defaults()).quantize(f, samples(5, 32, 1),
                samples(3, 32, 2));
        assertTrue(java.util.Arrays.equals(copy, f));
        String json = r.report().toJson();
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(json).getAsJsonObject();
        assertTrue(o.getAsJsonObject("output").get("top1_agreement").getAsDouble() >= 0);
        assertTrue(o.getAsJsonArray("layers").size() >= 6);
        assertEquals(0, o.getAsJsonArray("float_ops").size());
        assertEquals(f.length, o.getAsJsonObject("size").get("before_bytes").getAsLong());
        assertTrue(ModelBytes.read(r.model()).getSubgraphs().length == 1);
    }
}
