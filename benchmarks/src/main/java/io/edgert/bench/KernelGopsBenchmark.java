package io.edgert.bench;

import io.edgert.bench.zoo.MobileNetStyle;
import io.edgert.runtime.Model;
import io.edgert.runtime.ModelFormatException;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.NativeBackend;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JMH: one convolution layer alone (MobileNetV2's largest and typical shapes) per backend, its int8 throughput as
 * the secondary result {@code int8Ops} (operations per second, 2 per multiply-add: divide by 1e9 for GOPS),
 * printed next to the core's int8 peak measured at the end of the trial. Run with
 * {@code java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" org.openjdk.jmh.Main
 * KernelGopsBenchmark} (add {@code -p layer=conv1x1:7x7x320-1280} for one shape).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelGopsBenchmark {
    /** {@code conv<k>x<k>[s<stride>]:<h>x<w>x<in>-<out>} or {@code dw3x3[s<stride>]:<h>x<w>x<channels>}. */
    @Param({"conv1x1:112x112x16-96", "conv1x1:7x7x320-1280", "conv1x1:7x7x960-320", "conv1x1:56x56x24-144",
            "conv3x3s2:224x224x3-32", "dw3x3:56x56x144", "dw3x3s2:112x112x96"})
    public String layer;

    @Param({"native"})
    public String backend;

    private Model model;
    private Session session;
    private long macs;

    /** Operations done, as a rate JMH reports next to the primary score. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Int8Ops {
        public long int8Ops;
    }

    private static final Pattern SPEC =
            Pattern.compile("(conv(\\d+)x\\2|dw3x3)(?:s(\\d+))?:(\\d+)x(\\d+)x(\\d+)(?:-(\\d+))?");

    /** The one-layer model of a {@link #layer} spec; IllegalArgumentException for a malformed one. */
    public static Model model(String spec) throws ModelFormatException {
        Matcher m = SPEC.matcher(spec);
        boolean dw = m.matches() && m.group(1).equals("dw3x3");
        if (!m.matches() || dw == (m.group(7) != null)) {
            throw new IllegalArgumentException("layer spec '" + spec + "': expected conv<k>x<k>[s<stride>]:HxWxIN-OUT"
                    + " or dw3x3[s<stride>]:HxWxC");
        }
        int k = dw ? 3 : Integer.parseInt(m.group(2));
        int stride = m.group(3) == null ? 1 : Integer.parseInt(m.group(3));
        int h = Integer.parseInt(m.group(4)), w = Integer.parseInt(m.group(5)), in = Integer.parseInt(m.group(6));
        int out = dw ? in : Integer.parseInt(m.group(7));
        return MobileNetStyle.layer(h, w, in, out, k, stride, dw, 7);
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        model = model(layer);
        macs = OpProfile.macs(model)[0];
        session = model.newSession(Session.Options.defaults().backend(backend).threads(1));
        ModelBench.fillInputs(session, 1);
    }

    @Benchmark
    public void run(Int8Ops ops) throws Exception {
        session.run();
        ops.int8Ops += 2 * macs;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        model.close();
        System.out.printf("%n%s: %d multiply-adds per run; int8 peak of this core now: %.0f GOPS%n", layer, macs,
                NativeBackend.int8PeakGops(200));
    }
}
