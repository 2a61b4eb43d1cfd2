package io.edgert.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InspectCommandTest {
    private static JsonObject inspectJson(String model) {
        CliResult r = CliResult.run("inspect", SharedFiles.model(model), "--json");
        assertEquals(0, r.exitCode(), r.toString());
        return JsonParser.parseString(r.out()).getAsJsonObject();
    }

    @Test
    void jsonHasOpCountsShapesAndMacsOfMobilenetV1() {
        JsonObject doc = inspectJson("coral/mobilenet_v1_0.25_128_quant.tflite");
        JsonObject counts = doc.getAsJsonObject("opCounts");
        assertEquals(15, counts.get("CONV_2D").getAsInt());
        assertEquals(13, counts.get("DEPTHWISE_CONV_2D").getAsInt());
        assertEquals(1, counts.get("AVERAGE_POOL_2D").getAsInt());
        assertEquals(1, counts.get("RESHAPE").getAsInt());
        assertEquals(1, counts.get("SOFTMAX").getAsInt());
        assertEquals(31, doc.get("opCount").getAsInt());

        JsonObject input = doc.getAsJsonArray("inputs").get(0).getAsJsonObject();
        assertEquals("uint8", input.get("dtype").getAsString());
        assertEquals("[1,128,128,3]", input.get("shape").toString());
        assertEquals(0.0078125, input.getAsJsonObject("quantization").get("scale").getAsDouble(), 1e-9);
        assertEquals(128, input.getAsJsonObject("quantization").get("zeroPoint").getAsInt());

        // First op: 3x3 stride-2 conv, 3 -> 8 channels, 128x128 -> 64x64: 64*64*8 outputs * 3*3*3 MACs each.
        JsonArray ops = doc.getAsJsonArray("ops");
        JsonObject conv0 = ops.get(0).getAsJsonObject();
        assertEquals("CONV_2D", conv0.get("type").getAsString());
        assertEquals(64 * 64 * 8 * 27, conv0.get("macs").getAsLong());
        assertEquals(2, conv0.getAsJsonObject("attributes").get("stride_w").getAsInt());
        assertEquals("SAME", conv0.getAsJsonObject("attributes").get("padding").getAsString());
        // Then a 3x3 depthwise conv at stride 1: 64*64*8 outputs * 9 MACs.
        assertEquals(64 * 64 * 8 * 9, ops.get(1).getAsJsonObject().get("macs").getAsLong());

        long sum = 0;
        for (int i = 0; i < ops.size(); i++) {
            sum += ops.get(i).getAsJsonObject().get("macs").getAsLong();
        }
        long total = doc.getAsJsonObject("macs").get("total").getAsLong();
        assertEquals(sum, total);
        // The MobileNet paper's table gives about 14 million MACs for MobileNetV1 0.25 at 128x128.
        assertTrue(total > 13_000_000 && total < 15_000_000, "MACs " + total);

        JsonObject quant = doc.getAsJsonObject("quantization");
        assertEquals(0, quant.get("perChannel").getAsInt(), "TF1 uint8 models are per-tensor");
        assertTrue(doc.getAsJsonObject("weights").get("bytes").getAsLong() > 400_000);
    }

    @Test
    void tf2ModelHasPerChannelWeights() {
        JsonObject doc = inspectJson("coral/tf2_mobilenet_v2_1.0_224_ptq.tflite");
        JsonObject quant = doc.getAsJsonObject("quantization");
        assertTrue(quant.get("perChannel").getAsInt() > 50, quant.toString());
        assertTrue(quant.getAsJsonObject("tensorsByDtype").get("int8").getAsInt() > 100, quant.toString());
        assertTrue(doc.getAsJsonObject("macs").getAsJsonObject("byType").has("FULLY_CONNECTED")
                || doc.getAsJsonObject("opCounts").has("CONV_2D"));
    }

    @Test
    void textReportListsOpsAndTotals() {
        CliResult r = CliResult.run("inspect", SharedFiles.model("mlperf-tiny/ad01_int8.tflite"));
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("FULLY_CONNECTED"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("MACs ") && l.contains("FULLY_CONNECTED")), r.out());
        assertTrue(r.out().contains("Per op"), r.out());
    }

    @Test
    void notAModelIsABadInput() throws Exception {
        java.nio.file.Path junk = java.nio.file.Files.createTempFile("junk", ".tflite");
        java.nio.file.Files.writeString(junk, "this is not a flatbuffer");
        try {
            CliResult r = CliResult.run("inspect", junk);
            assertEquals(ExitCodes.BAD_INPUT, r.exitCode(), r.toString());
            assertTrue(r.err().contains("invalid model"), r.err());
        } finally {
            java.nio.file.Files.delete(junk);
        }
    }
}
