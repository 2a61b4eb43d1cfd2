package io.edgert.cuda;

import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.Backend;
import io.edgert.runtime.backend.BackendSession;
import io.edgert.runtime.backend.Backends;
import io.edgert.runtime.backend.NativeBackend;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detection and fallback where there is no usable GPU (this machine, CI): the backend is registered through
 * ServiceLoader, reports why it cannot run instead of throwing, {@code --backend cuda} fails with that reason, and
 * {@code auto} goes on to {@code native}.
 */
class CudaAvailabilityTest {
    static String noGpuReason() {
        String reason = new CudaBackend().unavailableReason();
        Assumptions.assumeTrue(reason != null, "a CUDA device is usable here: the no-GPU behaviour is not testable");
        return reason;
    }

    @Test
    void registeredThroughServiceLoader() {
        Backend b = Backends.get("cuda");
        assertEquals(CudaBackend.class, b.getClass());
        assertTrue(Backends.names().contains("cuda"));
    }

    @Test
    void unavailableWithAReasonNotAnException() {
        String reason = noGpuReason();
        assertFalse(reason.isBlank());
        assertFalse(Backends.get("cuda").isAvailable());
        assertEquals(null, CudaBackend.device());
        // Either the build has no kernels, or the machine has no driver / GPU / runtime library.
        assertTrue(reason.equals(FatbinResource.MISSING) || reason.contains("driver") || reason.contains("CUDA")
                || reason.contains("libcuda") || reason.contains("nvidia"), reason);
        System.out.println("cuda: unavailable: " + reason);
    }

    @Test
    void explicitCudaFailsWithTheReasonAndAutoRunsNative() throws Exception {
        String reason = noGpuReason();
        Assumptions.assumeTrue(NativeBackend.ensureLoadedForTests(), "native library unavailable");
        try (Model model = Model.load(SharedFiles.model("mlperf-tiny/vww_96_int8.tflite"))) {
            Session.Options opts = Session.Options.defaults().withResolvedProfile();
            EdgertException e = assertThrows(EdgertException.class, () -> Backends.open("cuda", model, opts));
            assertTrue(e.getMessage().contains(reason), e.getMessage());
            assertEquals(null, new CudaBackend().openIfPreferred(model, opts));
            try (BackendSession s = Backends.open("auto", model, opts)) {
                assertNotNull(s);
                assertEquals("native", s.backendName());
            }
        }
    }
}
