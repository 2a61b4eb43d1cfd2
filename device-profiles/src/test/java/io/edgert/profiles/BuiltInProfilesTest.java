package io.edgert.profiles;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Checks every built-in profile against the schema in device-profiles/README.md. */
class BuiltInProfilesTest {
    private static final String DIR = "/io/edgert/profiles/";
    /** {@code <op>_<dtype>[_<algorithm>][_<tile>]_<isa>}: fc_qs8_ref, conv2d_qs8_igemm_4x16c4_avx512vnni. */
    private static final Pattern KERNEL_ID = Pattern.compile(
            "([a-z0-9]+)_(qs8|qu8|qc8|f32|any)(?:_(?:qs8|qu8|f32))?(?:_([a-z][a-z0-9]*))?(?:_(\\d+(?:x\\d+)?(?:c\\d*)?))?"
                    + "_(ref|avx2|avx512vnni|avxvnni|neon|neondot|neoni8mm|amx|cuda)");
    /** The device feature each kernel ISA needs, so a profile never prefers a kernel its match does not guarantee. */
    private static final Map<String, List<String>> ISA_NEEDS = Map.of(
            "ref", List.of(), "avx2", List.of("avx2", "fma"), "avx512vnni", List.of("avx512bw", "avx512vnni"),
            "avxvnni", List.of("avxvnni"), "neon", List.of("asimd"), "neondot", List.of("dotprod"),
            "neoni8mm", List.of("i8mm"), "amx", List.of("avx512bw", "avx512vnni", "amx-int8"), "cuda", List.of());
    private static final Set<String> TOP = Set.of("schema_version", "id", "description", "rationale", "extends",
            "match", "choices", "tuning");
    private static final Set<String> MATCH = Set.of("arch", "features", "os", "cpu_vendor", "cpu_implementer",
            "cpu_parts", "min_cores", "gpu_min_compute_capability", "fingerprint");
    private static final Set<String> CHOICES = Set.of("kernels", "threads", "cores", "gemm_blocking",
            "arena_budget_bytes", "gpu_offload");
    private static final Set<String> FEATURES = Set.of("sse4.1", "avx2", "fma", "avx512f", "avx512bw", "avx512vl",
            "avx512vnni", "avxvnni", "amx-int8", "asimd", "dotprod", "i8mm", "sve");

    static Map<String, JsonObject> loadAll() throws IOException {
        Map<String, JsonObject> byId = new LinkedHashMap<>();
        for (String file : index()) {
            try (InputStream in = BuiltInProfilesTest.class.getResourceAsStream(DIR + file)) {
                assertNotNull(in, "index.txt lists " + file + " but it is not a resource");
                JsonElement e = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                assertTrue(e.isJsonObject(), file + ": expected a JSON object");
                JsonObject p = e.getAsJsonObject();
                String id = p.get("id").getAsString();
                assertEquals(file, id + ".json", "a profile's file is named after its id");
                assertTrue(byId.put(id, p) == null, "duplicate profile id " + id);
            }
        }
        return byId;
    }

    static List<String> index() throws IOException {
        try (InputStream in = BuiltInProfilesTest.class.getResourceAsStream(DIR + "index.txt")) {
            assertNotNull(in, "index.txt");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        }
    }

    @Test
    void indexListsEveryProfileFile() throws IOException {
        Path dir = Path.of("src/main/resources/io/edgert/profiles");
        try (Stream<Path> s = Files.list(dir)) {
            Set<String> files = new HashSet<>(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .toList());
            assertEquals(files, new HashSet<>(index()));
        }
        assertTrue(index().containsAll(List.of("x86_64-generic.json", "x86_64-avx2.json", "x86_64-avx512vnni.json",
                "arm64-generic.json")));
    }

    @Test
    void everyProfileFollowsTheSchema() throws IOException {
        for (JsonObject p : loadAll().values()) {
            String id = p.get("id").getAsString();
            assertEquals(Set.of(), minus(p.keySet(), TOP), id + ": unknown top-level fields");
            assertEquals(1, p.get("schema_version").getAsInt(), id);
            assertFalse(p.get("description").getAsString().isBlank(), id + ": description");
            assertFalse(p.get("rationale").getAsString().isBlank(), id + ": rationale");
            JsonObject match = p.getAsJsonObject("match");
            assertEquals(Set.of(), minus(match.keySet(), MATCH), id + ": unknown match fields");
            assertTrue(Set.of("x86_64", "arm64").contains(match.get("arch").getAsString()), id + ": arch");
            for (String f : strings(match, "features")) {
                assertTrue(FEATURES.contains(f), id + ": unknown feature " + f);
            }
            JsonObject choices = p.getAsJsonObject("choices");
            assertEquals(Set.of(), minus(choices.keySet(), CHOICES), id + ": unknown choices fields");
            if (choices.has("threads")) {
                assertTrue(choices.get("threads").getAsInt() >= 0, id + ": threads (0 = one per selected core)");
            }
            if (choices.has("cores")) {
                assertTrue(Set.of("all", "big", "little").contains(choices.get("cores").getAsString()), id + ": cores");
            }
        }
    }

    @Test
    void extendsTargetsExistWithoutCyclesAndOnTheSameArch() throws IOException {
        Map<String, JsonObject> all = loadAll();
        for (Map.Entry<String, JsonObject> e : all.entrySet()) {
            Set<String> seen = new HashSet<>();
            JsonObject p = e.getValue();
            String arch = p.getAsJsonObject("match").get("arch").getAsString();
            while (p.has("extends")) {
                String parent = p.get("extends").getAsString();
                assertTrue(all.containsKey(parent), e.getKey() + " extends unknown profile " + parent);
                assertTrue(seen.add(parent), e.getKey() + ": extends cycle through " + parent);
                p = all.get(parent);
                assertEquals(arch, p.getAsJsonObject("match").get("arch").getAsString(),
                        e.getKey() + " extends a profile for another architecture");
            }
        }
    }

    @Test
    void kernelListsAreWellNamedEndInRefAndNeedOnlyMatchedFeatures() throws IOException {
        Map<String, JsonObject> all = loadAll();
        for (String id : all.keySet()) {
            Set<String> features = new HashSet<>(strings(all.get(id).getAsJsonObject("match"), "features"));
            Map<String, List<String>> kernels = effectiveKernels(all, id);
            assertFalse(kernels.isEmpty(), id + ": no kernels");
            kernels.forEach((op, variants) -> {
                assertTrue(op.matches("[A-Z0-9_]+"), id + ": op keys are TFLite builtin names, got " + op);
                assertFalse(variants.isEmpty(), id + " " + op + ": empty preference list");
                String opToken = null;
                for (String v : variants) {
                    Matcher m = KERNEL_ID.matcher(v);
                    assertTrue(m.matches(), id + " " + op + ": kernel id " + v
                            + " does not follow <op>_<dtype>[_<algorithm>][_<tile>]_<isa>");
                    if (opToken == null) {
                        opToken = m.group(1);
                    }
                    assertEquals(opToken, m.group(1), id + " " + op + ": one op per list, got " + v);
                    String isa = m.group(5);
                    for (String needed : ISA_NEEDS.get(isa)) {
                        assertTrue(features.contains(needed), id + " " + op + ": " + v + " needs " + needed
                                + " but the profile's match does not require it");
                    }
                }
                assertTrue(variants.get(variants.size() - 1).endsWith("_ref"),
                        id + " " + op + ": the scalar reference kernel must come last, got " + variants);
            });
        }
    }

    /** The kernel lists after inheritance: a child's list for an op replaces its parent's. */
    static Map<String, List<String>> effectiveKernels(Map<String, JsonObject> all, String id) {
        List<JsonObject> chain = new ArrayList<>();
        for (JsonObject p = all.get(id); p != null; p = p.has("extends") ? all.get(p.get("extends").getAsString()) : null) {
            chain.add(0, p);
        }
        Map<String, List<String>> r = new LinkedHashMap<>();
        for (JsonObject p : chain) {
            JsonObject k = p.getAsJsonObject("choices").getAsJsonObject("kernels");
            if (k != null) {
                for (String op : k.keySet()) {
                    r.put(op, strings(k, op));
                }
            }
        }
        return r;
    }

    private static List<String> strings(JsonObject o, String key) {
        if (!o.has(key)) {
            return List.of();
        }
        JsonArray a = o.getAsJsonArray(key);
        List<String> r = new ArrayList<>();
        a.forEach(e -> r.add(e.getAsString()));
        return r;
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> r = new HashSet<>(a);
        r.removeAll(b);
        return r;
    }

    @Test
    void theKernelIdPatternAcceptsDesignExamplesOnly() {
        for (String ok : List.of("conv2d_qs8_igemm_4x16c4_avx512vnni", "dwconv_qs8_direct_neondot", "fc_qs8_ref",
                "softmax_qs8_lut16_ref", "quantize_f32_qs8_ref", "reshape_any_ref")) {
            assertTrue(KERNEL_ID.matcher(ok).matches(), ok);
        }
        for (String bad : List.of("conv2d_igemm_avx2", "conv2d_qs8_igemm_4x16_sse9", "CONV2D_qs8_ref", "fc_qs8")) {
            if (KERNEL_ID.matcher(bad).matches()) {
                fail("accepted " + bad);
            }
        }
    }
}
