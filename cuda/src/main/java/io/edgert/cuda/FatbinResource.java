package io.edgert.cuda;

import java.io.IOException;
import java.io.InputStream;

/** The kernels fatbin built by nvcc (cuda/pom.xml, profile nvcc), a resource of this jar when nvcc was present. */
final class FatbinResource {
    static final String NAME = "/io/edgert/cuda/edgert_kernels.fatbin";
    static final String MISSING = "no CUDA kernels in this build (nvcc was absent when edgert-cuda was built)";
    private static byte[] bytes;
    private static boolean looked;

    private FatbinResource() {
    }

    /** The fatbin, or null when this build has none. */
    static synchronized byte[] bytes() {
        if (!looked) {
            looked = true;
            try (InputStream in = FatbinResource.class.getResourceAsStream(NAME)) {
                bytes = in == null ? null : in.readAllBytes();
            } catch (IOException e) {
                bytes = null;
            }
        }
        return bytes;
    }
}
