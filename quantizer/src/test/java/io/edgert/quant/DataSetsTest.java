package io.edgert.quant;

import io.edgert.quant.data.DataSets;
import io.edgert.quant.data.ImagePreprocessing;
import io.edgert.runtime.io.Npy;
import io.edgert.runtime.io.NpyArray;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSetsTest {
    @Test
    void npyDirectoriesHoldOutTheirLastFifth(@TempDir Path dir) throws IOException {
        float[] v = new float[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = i;
        }
        Npy.write(dir.resolve("all.npy"), NpyArray.ofFloats(new int[] {10, 1}, v));
        DataSets.Split s = DataSets.fromDirectory(dir, new int[] {1, 1}, 100, 50, ImagePreprocessing.raw(), 1);
        assertEquals(8, s.calibration().size());
        assertEquals(2, s.evaluation().size());
        assertEquals(8f, s.evaluation().sample(0)[0]);
    }

    @Test
    void imageDirectoriesGiveDisjointCropsInTheModelLayout(@TempDir Path dir) throws IOException {
        Files.copy(SharedFiles.image("cat.bmp"), dir.resolve("cat.bmp"));
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        DataSets.Split s = DataSets.fromDirectory(dir, new int[] {1, 8, 8, 3}, 5, 5, ImagePreprocessing.unit(), 1);
        assertEquals(5, s.calibration().size());
        float[] a = s.calibration().sample(0);
        assertEquals(8 * 8 * 3, a.length);
        for (float x : a) {
            assertTrue(x >= 0 && x <= 1);
        }
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                assertFalse(Arrays.equals(s.calibration().sample(i), s.evaluation().sample(j)), i + " vs " + j);
            }
        }
    }

    @Test
    void unreadableImagesAreNamed(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("broken.png"), new byte[] {1, 2, 3});
        IOException e = assertThrows(IOException.class,
                () -> DataSets.fromDirectory(dir, new int[] {1, 8, 8, 3}, 5, 5, ImagePreprocessing.unit(), 1));
        assertTrue(e.getMessage().contains("broken.png"), e.getMessage());
    }
}
