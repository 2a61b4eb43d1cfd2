package io.edgert.cuda;

import io.edgert.cuda.plan.Placement;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.Backend;
import io.edgert.runtime.backend.BackendSession;

import java.util.List;

/**
 * The {@code cuda} backend: edgert's CUDA kernels on device 0, ops without a CUDA kernel on the CPU {@code native}
 * kernels. Registered through ServiceLoader when edgert-cuda is on the classpath. Unavailable (with the reason, never
 * an exception) when this build has no fatbin, or the machine has no usable driver, GPU or CUDA runtime library.
 */
public final class CudaBackend implements Backend {
    public static final String NAME = "cuda";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String unavailableReason() {
        if (FatbinResource.bytes() == null) {
            return FatbinResource.MISSING;
        }
        CudaDriver.Probe p = CudaDriver.probe();
        return p.device() != null ? null : p.reason();
    }

    /** The GPU this backend runs on, or null. */
    public static GpuDevice device() {
        return CudaDriver.probe().device();
    }

    /** Every op with a CUDA kernel runs on the GPU (the user chose this backend). */
    @Override
    public BackendSession open(Model model, Session.Options options) throws EdgertException {
        String why = unavailableReason();
        if (why != null) {
            throw new EdgertException("backend 'cuda' is unavailable: " + why);
        }
        return CudaSession.open(model, resolved(options), device(), Placement.Mode.EXPLICIT, DriverGpuApi::new);
    }

    /** For {@code auto}: only when the device profile's gpu_offload puts some of the model on the GPU. */
    @Override
    public BackendSession openIfPreferred(Model model, Session.Options options) throws EdgertException {
        if (unavailableReason() != null || model.subgraphCount() != 1) {
            return null;
        }
        return CudaSession.open(model, resolved(options), device(), Placement.Mode.AUTO, DriverGpuApi::new);
    }

    /** Where each op of {@code model} would run on this machine's GPU, without opening a session. */
    public static List<Placement.OpPlacement> placement(Model model, Session.Options options, Placement.Mode mode)
            throws EdgertException {
        Session.Options o = resolved(options);
        return Placement.decide(model.graph(), BatchShapes.of(model.graph(), 0, model.graph().inputs().length > 0
                        && model.graph().input(0).shape().length > 0 ? model.graph().input(0).dim(0) : 1),
                o.profileMatch().profile(), device(), mode);
    }

    private static Session.Options resolved(Session.Options options) throws EdgertException {
        return options.profileMatch() != null ? options : options.withResolvedProfile();
    }
}
