package io.edgert.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.edgert.bench.zoo.MobileNetStyle;
import io.edgert.runtime.Model;
import io.edgert.runtime.backend.NativeBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code edgert bench --profile --json}: the per-op table with GOPS and share of the core's int8 peak. */
class BenchCommandTest {
    @Test
    void profileJsonListsEveryOpWithGopsAndThePeakWhereTheCpuHasAProbe(@TempDir Path dir) throws Exception {
        assumeTrue(!NativeBackend.kernelIds().isEmpty(), "the native library is unavailable here");
        Path model = dir.resolve("demo.tflite");
        int ops;
        try (Model m = MobileNetStyle.demoDefault()) {
            ByteBuffer b = m.buffer().duplicate();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            Files.write(model, bytes);
            ops = m.operators().size();
        }
        Path json = dir.resolve("bench.json");
        CliResult r = CliResult.run("bench", model, "-b", "native", "-n", "10", "--warmup", "2", "--profile",
                "--json", json);
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("per-op profile on native"), r.out());

        JsonObject doc = JsonParser.parseString(Files.readString(json)).getAsJsonObject();
        JsonArray profiles = doc.getAsJsonArray("profiles");
        assertEquals(1, profiles.size(), doc.toString());
        JsonObject p = profiles.get(0).getAsJsonObject();
        assertEquals("demo", p.get("model").getAsString());
        assertEquals("native", p.get("backend").getAsString());
        JsonArray list = p.getAsJsonArray("ops");
        assertEquals(ops, list.size(), "every op, in execution order");
        double peak = p.has("int8_peak_gops") ? p.get("int8_peak_gops").getAsDouble() : 0;
        boolean vnni = io.edgert.device.Device.detect().hasFeature("avx512vnni");
        assertEquals(vnni, peak > 0, "a peak exactly where the CPU has AVX-512 VNNI: " + peak);
        int withMacs = 0;
        for (int i = 0; i < list.size(); i++) {
            JsonObject op = list.get(i).getAsJsonObject();
            assertEquals(i, op.get("op").getAsInt());
            assertTrue(op.get("median_ms").getAsDouble() >= 0, op.toString());
            JsonElement macs = op.get("macs");
            if (macs == null) {
                continue;
            }
            withMacs++;
            double gops = op.get("gops").getAsDouble();
            assertTrue(gops > 0, op.toString());
            assertEquals(2.0 * macs.getAsLong() / (op.get("median_ms").getAsDouble() * 1e6), gops, gops * 1e-9,
                    op.toString());
            if (peak > 0) {
                assertEquals(gops / peak, op.get("peak_fraction").getAsDouble(), 1e-9, op.toString());
                // below the peak; the room is for this shared VM, whose speed changes 2x within a minute
                assertTrue(gops < 3 * peak, op + " vs peak " + peak);
            }
        }
        assertTrue(withMacs >= 27, "the demo's 27 convolutions carry MACs: " + withMacs);
        if (peak > 0) {
            assertTrue(r.out().contains("int8 peak of this core"), r.out());
        }
    }

    @Test
    void thePeakProbeRefusesANonPositiveDuration() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> NativeBackend.int8PeakGops(0));
    }
}
