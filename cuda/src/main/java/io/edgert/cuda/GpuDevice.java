package io.edgert.cuda;

/**
 * One CUDA device as the placement sees it. {@link CudaDriver} fills it from {@code cuDeviceGetAttribute}; tests
 * build them by hand (a simulated device: no CUDA call involved).
 *
 * @param name          the device name ("NVIDIA H100 80GB HBM3")
 * @param ccMajor       compute capability major (9 for sm_90)
 * @param ccMinor       compute capability minor
 * @param totalMemory   bytes of device memory
 * @param multiprocessors streaming multiprocessors
 * @param integrated    true for a GPU sharing the host's DRAM (Jetson)
 */
public record GpuDevice(String name, int ccMajor, int ccMinor, long totalMemory, int multiprocessors,
                        boolean integrated) {
    /** major * 10 + minor, the form device profiles use (87 = 8.7). */
    public int capability() {
        return ccMajor * 10 + ccMinor;
    }

    /** Oldest architecture the fatbin has code for (sm_75: __dp4a, Turing). */
    public static final int MIN_CAPABILITY = 75;

    @Override
    public String toString() {
        return name + " (sm_" + ccMajor + ccMinor + ", " + (totalMemory >> 20) + " MiB, " + multiprocessors + " SMs"
                + (integrated ? ", integrated" : "") + ")";
    }
}
