package io.edgert.cli;

import io.edgert.runtime.Model;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatencyTableTest {
    @Test
    void statisticsOfKnownTimes() {
        long[] nanos = new long[10];
        for (int i = 0; i < 10; i++) {
            nanos[i] = (10 - i) * 1_000_000L; // 10 ms down to 1 ms, unsorted on purpose
        }
        LatencyTable.Row row = LatencyTable.Row.measured("x", nanos);
        assertEquals(1_000_000L, row.min());
        assertEquals(5_500_000L, row.median());
        assertEquals(9_000_000L, row.p90());
        LatencyTable.Row odd = LatencyTable.Row.measured("y", new long[] {3, 1, 2});
        assertEquals(2, odd.median());
        assertEquals(3, odd.p90());
    }

    @Test
    void runnerTimesEachBackendAndReportsUnavailableOnes() throws Exception {
        try (Model model = Model.load(SharedFiles.model("coral/mobilenet_v1_0.25_128_quant.tflite"))) {
            List<LatencyTable.Row> rows = new LatencyRunner(1, 1, 3, 1).measure(model, List.of("tflite", "no-such"));
            assertEquals(2, rows.size());
            assertTrue(rows.get(0).ok());
            assertEquals(3, rows.get(0).sortedNanos().length);
            assertTrue(rows.get(0).min() > 0);
            assertFalse(rows.get(1).ok());
            StringWriter sw = new StringWriter();
            new LatencyTable(rows).print(new PrintWriter(sw));
            assertTrue(sw.toString().startsWith("backend"), sw.toString());
            assertTrue(sw.toString().lines().anyMatch(l -> l.matches("no-such +unavailable: unknown backend 'no-such'.*")),
                    sw.toString());
        }
    }
}
