package io.edgert.runtime.model;

import io.edgert.runtime.DataType;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.testing.SharedFiles;
import io.edgert.testing.TfliteRunner;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every shared model loads, exposes its graph, and survives {@link ModelWriter} with identical tensors and ops, and
 * the written copy computes the same outputs in TFLite.
 */
class RealModelRoundTripTest {

    static List<Path> models() {
        List<Path> all = SharedFiles.allModels();
        return all.isEmpty() ? List.of(Path.of("shared-models-absent")) : all;
    }

    @ParameterizedTest
    @MethodSource("models")
    void loadsAndWritesBackIdentically(Path path) throws Exception {
        Assumptions.assumeTrue(path.toFile().isFile(), "../shared/models is absent: skipping");
        try (Model original = Model.load(path)) {
            assertTrue(original.inputCount() > 0, "inputs");
            assertTrue(original.outputCount() > 0, "outputs");
            assertFalse(original.operators().isEmpty(), "operators");
            for (int i = 0; i < original.inputCount(); i++) {
                assertNotNull(original.input(i).name());
            }
            byte[] written = ModelWriter.write(original);
            try (Model copy = Model.load(written)) {
                assertEquals(original.subgraphCount(), copy.subgraphCount());
                for (int s = 0; s < original.subgraphCount(); s++) {
                    assertSameGraph(original.subgraph(s), copy.subgraph(s), path.getFileName() + " subgraph " + s);
                }
                assertEquals(original.warnings(), copy.warnings());
                assertSameResults(original, copy, path.getFileName().toString());
            }
        }
    }

    /**
     * The written copy runs in TFLite's builtin kernels exactly like the original (same inputs, bit-identical
     * outputs), or is refused exactly like it (person_detect, the custom-op model).
     */
    private static void assertSameResults(Model original, Model copy, String name) throws Exception {
        byte[][] inputs = new byte[original.inputCount()][];
        Random rnd = new Random(name.hashCode());
        for (int i = 0; i < inputs.length; i++) {
            TensorInfo t = original.input(i);
            ByteBuffer b = ByteBuffer.allocate((int) t.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining()) {
                if (t.dataType() == DataType.FLOAT32) {
                    b.putFloat(rnd.nextFloat() * 2 - 1);
                } else {
                    b.put((byte) rnd.nextInt());
                }
            }
            inputs[i] = b.array();
        }
        byte[][] expected;
        try {
            expected = TfliteRunner.runBytes(original, "tflite-ref", inputs);
        } catch (EdgertException refused) {
            assertThrows(EdgertException.class, () -> TfliteRunner.runBytes(copy, "tflite-ref", inputs), name);
            return;
        }
        byte[][] got = TfliteRunner.runBytes(copy, "tflite-ref", inputs);
        for (int o = 0; o < expected.length; o++) {
            assertArrayEquals(expected[o], got[o], name + " output " + o);
        }
    }

    static void assertSameGraph(Graph a, Graph b, String where) {
        assertArrayEquals(a.inputs(), b.inputs(), where + " inputs");
        assertArrayEquals(a.outputs(), b.outputs(), where + " outputs");
        assertEquals(a.tensors().size(), b.tensors().size(), where + " tensor count");
        for (int t = 0; t < a.tensors().size(); t++) {
            TensorInfo x = a.tensor(t);
            TensorInfo y = b.tensor(t);
            String label = where + " tensor " + x;
            assertEquals(x.name(), y.name(), label);
            assertArrayEquals(x.shape(), y.shape(), label);
            assertArrayEquals(x.shapeSignature(), y.shapeSignature(), label);
            assertEquals(x.dataType(), y.dataType(), label);
            assertEquals(x.quantization(), y.quantization(), label);
            assertEquals(x.quantization().quantizedDimension(), y.quantization().quantizedDimension(), label);
            assertEquals(x.isConstant(), y.isConstant(), label);
            assertEquals(x.isVariable(), y.isVariable(), label);
            if (x.isConstant()) {
                assertEquals(x.data(), y.data(), label + " data");
            }
        }
        assertEquals(a.operators().size(), b.operators().size(), where + " op count");
        for (int o = 0; o < a.operators().size(); o++) {
            OpInfo x = a.operators().get(o);
            OpInfo y = b.operators().get(o);
            String label = where + " " + x;
            assertEquals(x.type(), y.type(), label);
            assertEquals(x.version(), y.version(), label);
            assertArrayEquals(x.inputs(), y.inputs(), label);
            assertArrayEquals(x.outputs(), y.outputs(), label);
            assertEquals(x.attributes().toString(), y.attributes().toString(), label);
        }
    }
}
