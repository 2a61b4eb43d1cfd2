package io.edgert.quant.graph;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PrunerTest {
    @Test
    void unstructuredZeroesExactlyTheSmallestFraction() {
        float[] w = {0.1f, -0.5f, 0.3f, -0.2f, 0.9f, 0.05f, -0.7f, 0.4f};
        Pruner.pruneMagnitude(w, 0.5);
        assertArrayEquals(new float[] {0, -0.5f, 0, 0, 0.9f, 0, -0.7f, 0.4f}, w);
    }

    @Test
    void unstructuredHandlesTies() {
        float[] w = {1, 1, 1, 1};
        Pruner.pruneMagnitude(w, 0.5);
        int zeros = 0;
        for (float v : w) {
            zeros += v == 0 ? 1 : 0;
        }
        assertEquals(2, zeros);
    }

    @Test
    void twoOfFourKeepsTheTwoLargestInEachGroup() {
        float[] w = {0.1f, -0.5f, 0.3f, -0.2f, 0.9f, 0.05f, -0.7f, 0.4f};
        Pruner.pruneNm(w, 2, 4);
        assertArrayEquals(new float[] {0, -0.5f, 0.3f, 0, 0.9f, 0, -0.7f, 0}, w);
    }

    @Test
    void specsParse() {
        PruneSpec s = PruneSpec.parse("2:4");
        assertTrue(s.structured());
        assertEquals(2, s.keepN());
        assertEquals(4, s.groupM());
        assertEquals(0.5, PruneSpec.parse("0.5").sparsity());
        assertThrows(IllegalArgumentException.class, () -> PruneSpec.parse("1.5"));
        assertThrows(IllegalArgumentException.class, () -> PruneSpec.parse("4:2"));
        assertThrows(IllegalArgumentException.class, () -> PruneSpec.parse("half"));
    }
}
