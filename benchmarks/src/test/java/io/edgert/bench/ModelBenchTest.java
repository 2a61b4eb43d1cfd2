package io.edgert.bench;

import io.edgert.runtime.Model;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelBenchTest {
    @Test
    void statsAreOrderStatistics() {
        LatencyStats s = LatencyStats.of(new long[] {50, 10, 40, 20, 30});
        assertEquals(10, s.minNs());
        assertEquals(30, s.medianNs());
        assertEquals(50, s.maxNs());
        assertEquals(50, s.p90Ns());
        assertEquals(5, s.runs());
        assertEquals(25, LatencyStats.of(new long[] {10, 20, 30, 40}).medianNs());
    }

    @Test
    void benchmarksEveryBackendAndReportsFailuresPerBackend() throws Exception {
        try (Model m = Model.load(SharedFiles.model("mlperf-tiny/ad01_int8.tflite"))) {
            List<BenchResult> r = new ModelBench(2, 10, 0, 1, 7).run(m, "ad01", List.of("tflite", "tflite-ref"));
            assertEquals(2, r.size());
            for (BenchResult b : r) {
                assertTrue(b.ok(), b.error());
                assertEquals(10, b.stats().runs());
                assertTrue(b.stats().minNs() > 0 && b.stats().minNs() <= b.stats().medianNs()
                        && b.stats().medianNs() <= b.stats().maxNs());
                assertTrue(b.initNs() > 0 && b.firstNs() > 0);
            }
        }
        try (Model m = Model.load(SharedFiles.model("coral/model_invoking_error.tflite"))) {
            List<BenchResult> r = new ModelBench(0, 1, 0, 1, 7).run(m, "bad", List.of("tflite"));
            assertFalse(r.get(0).ok());
            assertNotNull(r.get(0).error());
        }
    }
}
