package io.edgert.bench;

import io.edgert.bench.zoo.MobileNetStyle;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MobileNetStyleTest {
    @Test
    void demoModelRunsInTfliteWithNonTrivialSoftmax() throws Exception {
        try (Model m = MobileNetStyle.demoDefault()) {
            assertEquals(31, m.operators().size());
            try (Session s = m.newSession(Session.Options.defaults().backend("tflite-ref"))) {
                ModelBench.fillInputs(s, 3);
                s.run();
                float[] p = s.output(0).getFloats();
                assertArrayEquals(new int[] {1, 10}, s.output(0).shape());
                float sum = 0;
                float max = 0;
                for (float v : p) {
                    sum += v;
                    max = Math.max(max, v);
                }
                assertEquals(1f, sum, 0.05f);
                assertTrue(max < 0.99f, "softmax not saturated to one class: max " + max);
            }
        }
    }
}
