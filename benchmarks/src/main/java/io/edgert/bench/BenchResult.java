package io.edgert.bench;

/** One backend's numbers for one model: creation, first inference and steady-state latency. */
public record BenchResult(String model, String backend, int threads, long initNs, long firstNs, LatencyStats stats,
                          String error) {
    public static BenchResult failed(String model, String backend, int threads, String error) {
        return new BenchResult(model, backend, threads, 0, 0, null, error);
    }

    public boolean ok() {
        return error == null;
    }
}
