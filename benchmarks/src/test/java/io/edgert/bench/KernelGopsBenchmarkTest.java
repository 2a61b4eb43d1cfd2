package io.edgert.bench;

import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.NativeBackend;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.annotations.Param;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The kernel benchmark's layers: the shapes its specs name, and native equal to TFLite's kernels on each. */
class KernelGopsBenchmarkTest {
    @Test
    void everyBenchmarkedLayerHasItsShapeAndMatchesTfliteRef() throws Exception {
        assumeTrue(!NativeBackend.kernelIds().isEmpty(), "the native library is unavailable here");
        String[] specs = KernelGopsBenchmark.class.getField("layer").getAnnotation(Param.class).value();
        assertEquals(7, specs.length);
        for (String spec : specs) {
            try (Model m = KernelGopsBenchmark.model(spec)) {
                assertEquals(1, m.operators().size(), spec);
                String[] dims = spec.substring(spec.indexOf(':') + 1).split("[x-]");
                int stride = spec.contains("s2") ? 2 : 1;
                int h = Integer.parseInt(dims[0]), w = Integer.parseInt(dims[1]), in = Integer.parseInt(dims[2]);
                int out = dims.length > 3 ? Integer.parseInt(dims[3]) : in;
                int k = spec.startsWith("dw") ? 3 : spec.charAt(4) - '0';
                int oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride;
                assertArrayEquals(new int[] {1, oh, ow, out}, m.output(0).shape(), spec);
                long taps = (long) k * k * (spec.startsWith("dw") ? 1 : in);
                assertEquals((long) oh * ow * out * taps, OpProfile.macs(m)[0], spec);
                byte[] nativeOut = run(m, "native");
                assertArrayEquals(run(m, "tflite-ref"), nativeOut, spec + ": native vs TFLite's own kernels");
            }
        }
    }

    private static byte[] run(Model m, String backend) throws Exception {
        try (Session s = m.newSession(Session.Options.defaults().backend(backend))) {
            ModelBench.fillInputs(s, 5);
            s.run();
            return s.output(0).getBytes();
        }
    }

    @Test
    void aMalformedSpecIsRefusedWithTheExpectedForm() {
        for (String bad : new String[] {"conv1x1:7x7x320", "dw3x3:7x7x32-64", "conv1x2:7x7x3-8", "pool:1x1x1"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> KernelGopsBenchmark.model(bad), bad);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("expected conv"), e.getMessage());
        }
    }
}
