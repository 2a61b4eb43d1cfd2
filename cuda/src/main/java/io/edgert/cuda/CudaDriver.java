package io.edgert.cuda;

import io.edgert.device.CudaStatus;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.EdgertException;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.SizeTPointer;

import java.util.EnumMap;
import java.util.Map;

import io.edgert.cuda.plan.CudaKernel;

/**
 * The CUDA driver through the JavaCPP preset ({@code org.bytedeco.cuda.global.cudart}, driver API): finding the
 * device once per process, its primary context, and the kernels module loaded from the fatbin. Every step that can
 * fail on a machine without a usable GPU (no driver files, the preset's JNI library or libcudart.so.13 missing,
 * cuInit failing, no device, an architecture the fatbin lacks) ends in a reason string, never an exception.
 */
final class CudaDriver {
    private static Probe probe;
    private static CUctx_st context;
    private static CUmod_st module;
    private static Map<CudaKernel, CUfunc_st> functions;

    private CudaDriver() {
    }

    /** The device found, or why there is none (device null, reason set). */
    record Probe(GpuDevice device, String reason, int driverVersion) {
    }

    /** Probes once per process. Never throws. */
    static synchronized Probe probe() {
        if (probe == null) {
            probe = doProbe();
        }
        return probe;
    }

    private static Probe doProbe() {
        // Look at files first (io.edgert.device.DeviceDetector): a machine without the driver never loads a library.
        CudaStatus files = Profiles.device().cuda();
        // -Dedgert.cuda.probe=force skips the file check (a driver in a place DeviceDetector does not search)
        if (!files.usable() && !"force".equals(System.getProperty("edgert.cuda.probe"))) {
            return new Probe(null, files.reason(), -1);
        }
        try {
            Loader.load(cudart.class);
        } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return new Probe(null, "the CUDA preset did not load (it needs libcuda.so.1 and libcudart.so.13): "
                    + root, -1);
        }
        try {
            int rc = cudart.cuInit(0);
            if (rc != 0) {
                return new Probe(null, "cuInit failed: " + error(rc), -1);
            }
            int[] version = new int[1];
            cudart.cuDriverGetVersion(version);
            int[] count = new int[1];
            rc = cudart.cuDeviceGetCount(count);
            if (rc != 0 || count[0] == 0) {
                return new Probe(null, rc != 0 ? "cuDeviceGetCount failed: " + error(rc) : "no CUDA device", version[0]);
            }
            int[] dev = new int[1];
            check(cudart.cuDeviceGet(dev, 0), "cuDeviceGet");
            byte[] name = new byte[256];
            check(cudart.cuDeviceGetName(name, name.length, dev[0]), "cuDeviceGetName");
            int len = 0;
            while (len < name.length && name[len] != 0) {
                len++;
            }
            int major = attribute(cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev[0]);
            int minor = attribute(cudart.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev[0]);
            int sms = attribute(cudart.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev[0]);
            int integrated = attribute(cudart.CU_DEVICE_ATTRIBUTE_INTEGRATED, dev[0]);
            long mem;
            try (SizeTPointer total = new SizeTPointer(1)) {
                check(cudart.cuDeviceTotalMem(total, dev[0]), "cuDeviceTotalMem");
                mem = total.get();
            }
            GpuDevice d = new GpuDevice(new String(name, 0, len), major, minor, mem, sms, integrated != 0);
            if (d.capability() < GpuDevice.MIN_CAPABILITY) {
                return new Probe(null, d + ": edgert's kernels need compute capability 7.5 or newer", version[0]);
            }
            return new Probe(d, null, version[0]);
        } catch (EdgertException | RuntimeException | LinkageError e) {
            return new Probe(null, "CUDA probe failed: " + e.getMessage(), -1);
        }
    }

    private static int attribute(int attr, int dev) throws EdgertException {
        int[] v = new int[1];
        check(cudart.cuDeviceGetAttribute(v, attr, dev), "cuDeviceGetAttribute(" + attr + ")");
        return v[0];
    }

    /** Makes device 0's primary context current on this thread (retained once per process). */
    static synchronized void makeCurrent() throws EdgertException {
        if (context == null) {
            CUctx_st ctx = new CUctx_st();
            check(cudart.cuDevicePrimaryCtxRetain(ctx, 0), "cuDevicePrimaryCtxRetain");
            context = ctx;
        }
        check(cudart.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    /** The kernel functions of the fatbin, loaded into the context once. */
    static synchronized Map<CudaKernel, CUfunc_st> kernels() throws EdgertException {
        if (functions != null) {
            return functions;
        }
        byte[] fatbin = FatbinResource.bytes();
        if (fatbin == null) {
            throw new EdgertException("backend 'cuda': " + FatbinResource.MISSING);
        }
        makeCurrent();
        CUmod_st mod = new CUmod_st();
        try (BytePointer image = new BytePointer(fatbin)) {
            check(cudart.cuModuleLoadData(mod, image), "cuModuleLoadData (edgert_kernels.fatbin)");
        }
        Map<CudaKernel, CUfunc_st> f = new EnumMap<>(CudaKernel.class);
        for (CudaKernel k : CudaKernel.values()) {
            CUfunc_st fn = new CUfunc_st();
            check(cudart.cuModuleGetFunction(fn, mod, k.symbol()), "cuModuleGetFunction(" + k.symbol() + ")");
            f.put(k, fn);
        }
        module = mod;
        functions = f;
        return functions;
    }

    static void check(int rc, String what) throws EdgertException {
        if (rc != 0) {
            throw new EdgertException("backend 'cuda': " + what + " failed: " + error(rc));
        }
    }

    static String error(int rc) {
        try (PointerPointer<BytePointer> p = new PointerPointer<>(1)) {
            if (cudart.cuGetErrorString(rc, p) == 0) {
                BytePointer msg = p.get(BytePointer.class, 0);
                if (msg != null && !msg.isNull()) {
                    return msg.getString() + " (CUresult " + rc + ")";
                }
            }
        } catch (RuntimeException | LinkageError ignored) {
            // fall through to the number
        }
        return "CUresult " + rc;
    }

    /** For reports: whether the module is loaded. */
    static synchronized boolean moduleLoaded() {
        return module != null;
    }
}
