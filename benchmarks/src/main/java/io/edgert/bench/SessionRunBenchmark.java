package io.edgert.bench;

import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
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

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * JMH: one inference of a real model per backend. Run with
 * {@code java -cp "$(cat benchmarks/target/classpath.txt):benchmarks/target/classes" org.openjdk.jmh.Main
 * SessionRunBenchmark -p model=../shared/models/mlperf-tiny/vww_96_int8.tflite}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SessionRunBenchmark {
    @Param({"../shared/models/mlperf-tiny/vww_96_int8.tflite"})
    public String model;

    @Param({"tflite", "tflite-ref"})
    public String backend;

    @Param({"1"})
    public int threads;

    private Model loaded;
    private Session session;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        loaded = Model.load(Path.of(model));
        session = loaded.newSession(Session.Options.defaults().backend(backend).threads(threads));
        ModelBench.fillInputs(session, 1);
    }

    @Benchmark
    public void run() throws Exception {
        session.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        loaded.close();
    }
}
