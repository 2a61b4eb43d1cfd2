package io.edgert.device.profile;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every schema rule: an invalid profile is an error naming the field. */
class ProfileParserTest {
    private static final String VALID = """
            {
              "schema_version": 1,
              "id": "test-profile",
              "description": "A test.",
              "rationale": "Because.",
              "extends": "x86_64-avx2",
              "match": {"arch": "x86_64", "features": ["avx2", "fma"], "min_cores": 2},
              "choices": {
                "kernels": {"CONV_2D": ["conv2d_qs8_igemm_4x8c8_avx2", "conv2d_qs8_direct_ref"]},
                "threads": 2,
                "cores": "all",
                "gemm_blocking": {"mc": 64, "nc": 256, "kc": 256},
                "arena_budget_bytes": 1000000,
                "gpu_offload": {"enabled": false}
              }
            }
            """;

    /** VALID with {@code from} replaced by {@code to}, which must occur in it. */
    private static String with(String from, String to) {
        assertTrue(VALID.contains(from), from);
        return VALID.replace(from, to);
    }

    private static InvalidProfileException invalid(String text) {
        return assertThrows(InvalidProfileException.class, () -> Profiles.parse(text, "test.json"));
    }

    @Test
    void theValidDocumentLoadsAndInherits() throws InvalidProfileException {
        DeviceProfile p = Profiles.parse(VALID, "test.json");
        assertEquals("test-profile", p.id());
        assertEquals(java.util.List.of("test-profile", "x86_64-avx2", "x86_64-generic"), p.chain());
        assertEquals(java.util.List.of("softmax_qs8_ref"), p.kernelsFor("SOFTMAX"));
        assertEquals(2, p.match().minCores());
        assertEquals(2, p.choices().threads());
    }

    @Test
    void eachRuleNamesTheField() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("schema_version", with("\"schema_version\": 1", "\"schema_version\": 2"));
        cases.put("id", with("\"id\": \"test-profile\"", "\"id\": \"Test Profile\""));
        cases.put("description", with("\"description\": \"A test.\"", "\"description\": \" \""));
        cases.put("rationale", with("\"rationale\": \"Because.\",", ""));
        cases.put("extends", with("\"extends\": \"x86_64-avx2\"", "\"extends\": \"x86_64-avx3\""));
        cases.put("match.arch", with("\"arch\": \"x86_64\"", "\"arch\": \"riscv64\""));
        cases.put("match.features[1]", with("[\"avx2\", \"fma\"]", "[\"avx2\", \"avx3\"]"));
        cases.put("match.features", with("\"features\": [\"avx2\", \"fma\"]", "\"features\": \"avx2\""));
        cases.put("match.min_cores", with("\"min_cores\": 2", "\"min_cores\": 0"));
        cases.put("match.cpu_parts[0]", with("\"min_cores\": 2", "\"cpu_parts\": [\"d0b\"]"));
        cases.put("match.gpu_min_compute_capability", with("\"min_cores\": 2",
                "\"gpu_min_compute_capability\": \"sm_87\""));
        cases.put("match.os", with("\"min_cores\": 2", "\"os\": \"ios\""));
        cases.put("match.typo", with("\"min_cores\": 2", "\"typo\": 2"));
        cases.put("choices.kernels.CONV_2D[0]", with("\"conv2d_qs8_igemm_4x8c8_avx2\"", "\"conv2d_igemm_avx2\""));
        cases.put("choices.kernels.CONV_2D[1]", with("\"conv2d_qs8_direct_ref\"", "\"conv2d_qs8_direct_sse9\""));
        cases.put("choices.kernels.CONV2D", with("\"CONV_2D\":", "\"CONV2D\":"));
        cases.put("choices.kernels.CONV_2D", with("[\"conv2d_qs8_igemm_4x8c8_avx2\", \"conv2d_qs8_direct_ref\"]",
                "[]"));
        cases.put("choices.threads", with("\"threads\": 2", "\"threads\": -1"));
        cases.put("choices.cores", with("\"cores\": \"all\"", "\"cores\": \"fast\""));
        cases.put("choices.gemm_blocking.kc", with("\"kc\": 256", "\"kc\": \"256\""));
        cases.put("choices.arena_budget_bytes", with("\"arena_budget_bytes\": 1000000", "\"arena_budget_bytes\": 1.5"));
        cases.put("choices.gpu_offload.enabled", with("{\"enabled\": false}", "{\"enabled\": \"no\"}"));
        cases.put("choices.gpu_offload.ops[0]", with("{\"enabled\": false}", "{\"enabled\": true, \"ops\": [\"GEMM\"]}"));
        cases.put("choices.batch", with("\"threads\": 2", "\"batch\": 2"));
        cases.put("surprise", with("\"schema_version\": 1,", "\"schema_version\": 1, \"surprise\": true,"));
        cases.forEach((field, text) -> {
            InvalidProfileException e = invalid(text);
            assertEquals(field, e.field(), e.getMessage());
            assertTrue(e.getMessage().startsWith("test.json: field '" + field + "': "), e.getMessage());
        });
    }

    @Test
    void aRootProfileNeedsKernelsAndExtendsMustNotCycleOrCrossArch() {
        String root = with("\"extends\": \"x86_64-avx2\",", "").replace(
                "\"kernels\": {\"CONV_2D\": [\"conv2d_qs8_igemm_4x8c8_avx2\", \"conv2d_qs8_direct_ref\"]},", "");
        assertEquals("choices.kernels", invalid(root).field());
        InvalidProfileException self = invalid(with("\"extends\": \"x86_64-avx2\"", "\"extends\": \"test-profile\""));
        assertEquals("extends", self.field());
        InvalidProfileException arch = invalid(with("\"extends\": \"x86_64-avx2\"", "\"extends\": \"arm64-generic\""));
        assertEquals("extends", arch.field());
        assertTrue(arch.getMessage().contains("'arm64-generic' is for arm64"), arch.getMessage());
    }

    @Test
    void syntaxErrorsGiveLineAndColumn() {
        InvalidProfileException e = invalid(VALID.replace("\"threads\": 2,", "\"threads\": 2"));
        assertTrue(e.getMessage().contains("invalid JSON at line 11"), e.getMessage());
        InvalidProfileException dup = invalid(VALID.replace("\"threads\": 2,", "\"threads\": 2, \"threads\": 3,"));
        assertTrue(dup.getMessage().contains("duplicate key \"threads\""), dup.getMessage());
    }

    @Test
    void futureKernelIdsAreWellFormedButMalformedOnesAreNot() {
        for (String ok : new String[] {"conv2d_qs8_igemm_4x16c4_avx512vnni", "fc_qs8_gemm_4x8c8_neoni8mm",
                "softmax_qs8_lut16_ref", "quantize_f32_qs8_ref", "reshape_any_ref", "dwconv_qs8_direct_neondot"}) {
            assertTrue(ProfileParser.KERNEL_ID.matcher(ok).matches(), ok);
        }
        for (String bad : new String[] {"conv2d_igemm_avx2", "CONV2D_qs8_ref", "fc_qs8", "fc_qs8_gemm_sse9",
                "fc_qs8_ref_"}) {
            assertTrue(!ProfileParser.KERNEL_ID.matcher(bad).matches(), bad);
        }
    }
}
