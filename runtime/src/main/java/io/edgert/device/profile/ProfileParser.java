package io.edgert.device.profile;

import io.edgert.device.IsaFeatures;
import io.edgert.runtime.model.BuiltinOps;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads one profile document and checks it against the schema (device-profiles/README.md) before any inheritance:
 * every error names the field. The result holds only what the document itself says; {@link Profiles} applies
 * {@code extends}.
 */
final class ProfileParser {
    /**
     * {@code <op>_<dtype>[_<dtype>][_<algorithm>][_<tile>]_<isa>}: fc_qs8_ref, conv2d_qs8_direct_ref,
     * quantize_f32_qs8_ref, softmax_qs8_lut16_ref, conv2d_qs8_igemm_4x16c4_avx512vnni. A well-formed id that this
     * build does not compile is fine (skipped at selection as "not compiled"); a malformed one is an error.
     */
    static final Pattern KERNEL_ID = Pattern.compile("[a-z][a-z0-9]*_(?:qs8|qu8|qc8|f32|any)(?:_(?:qs8|qu8|f32))?"
            + "(?:_[a-z][a-z0-9]*)?(?:_\\d+(?:x\\d+)?(?:c\\d*)?)?_(ref|avx2|avx512vnni|avxvnni|neon|neondot|neoni8mm|amx|cuda)");
    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]{1,4}");
    private static final Pattern CAPABILITY = Pattern.compile("(\\d{1,2})\\.(\\d)");
    private static final Set<String> TOP = Set.of("schema_version", "id", "description", "rationale", "extends",
            "match", "choices", "tuning");
    private static final Set<String> MATCH = Set.of("arch", "features", "os", "cpu_vendor", "cpu_implementer",
            "cpu_parts", "min_cores", "gpu_min_compute_capability", "fingerprint");
    private static final Set<String> CHOICES = Set.of("kernels", "threads", "cores", "gemm_blocking",
            "arena_budget_bytes", "gpu_offload");

    private final String source;

    private ProfileParser(String source) {
        this.source = source;
    }

    /** The document as written (no inheritance); {@code choices.kernels} may be partial when it extends another. */
    static DeviceProfile parse(String text, String source) throws InvalidProfileException {
        return new ProfileParser(source).doc(Json.parse(text, source));
    }

    private InvalidProfileException err(String field, String problem) {
        return new InvalidProfileException(source, field, problem);
    }

    private DeviceProfile doc(Object root) throws InvalidProfileException {
        Map<String, Object> top = object(root, "(document)");
        unknown(top, TOP, "");
        long version = integer(top, "schema_version", "schema_version", true, 1, 1);
        if (version != 1) {
            throw err("schema_version", "expected 1, got " + version);
        }
        String id = string(top, "id", "id", true);
        if (!ID.matcher(id).matches()) {
            throw err("id", "expected lower-case letters, digits, '.', '_' or '-', got '" + id + "'");
        }
        String description = nonBlank(top, "description");
        String rationale = nonBlank(top, "rationale");
        String parent = string(top, "extends", "extends", false);
        if (parent != null && parent.equals(id)) {
            throw err("extends", "a profile cannot extend itself");
        }
        DeviceProfile.Match match = match(object(require(top, "match", "match"), "match"));
        Map<String, Object> c = object(require(top, "choices", "choices"), "choices");
        DeviceProfile.Choices choices = choices(c, parent == null);
        Map<String, Object> tuning = top.containsKey("tuning") ? object(top.get("tuning"), "tuning") : Map.of();
        return new DeviceProfile(id, description, rationale, parent, match, choices, List.of(id), source, tuning);
    }

    private DeviceProfile.Match match(Map<String, Object> m) throws InvalidProfileException {
        unknown(m, MATCH, "match.");
        String arch = string(m, "arch", "match.arch", true);
        if (!arch.equals("x86_64") && !arch.equals("arm64")) {
            throw err("match.arch", "expected x86_64 or arm64, got '" + arch + "'");
        }
        List<String> features = strings(m, "features", "match.features", true);
        Set<String> known = IsaFeatures.knownNames();
        for (int i = 0; i < features.size(); i++) {
            if (!known.contains(features.get(i))) {
                throw err("match.features[" + i + "]", "unknown feature '" + features.get(i) + "', expected one of "
                        + String.join(" ", known));
            }
        }
        String os = string(m, "os", "match.os", false);
        if (os != null && !os.equals("android") && !os.equals("linux")) {
            throw err("match.os", "expected android or linux, got '" + os + "'");
        }
        String vendor = string(m, "cpu_vendor", "match.cpu_vendor", false);
        String impl = string(m, "cpu_implementer", "match.cpu_implementer", false);
        int implementer = impl == null ? -1 : hex(impl, "match.cpu_implementer");
        List<Integer> parts = new ArrayList<>();
        List<String> partText = strings(m, "cpu_parts", "match.cpu_parts", false);
        for (int i = 0; i < partText.size(); i++) {
            parts.add(hex(partText.get(i), "match.cpu_parts[" + i + "]"));
        }
        int minCores = (int) integer(m, "min_cores", "match.min_cores", false, 1, 4096);
        String cc = string(m, "gpu_min_compute_capability", "match.gpu_min_compute_capability", false);
        int capability = -1;
        if (cc != null) {
            var mm = CAPABILITY.matcher(cc);
            if (!mm.matches()) {
                throw err("match.gpu_min_compute_capability", "expected \"major.minor\" such as \"8.7\", got '" + cc
                        + "'");
            }
            capability = Integer.parseInt(mm.group(1)) * 10 + Integer.parseInt(mm.group(2));
        }
        String fingerprint = string(m, "fingerprint", "match.fingerprint", false);
        return new DeviceProfile.Match(arch, features, os, vendor, implementer, parts, minCores == 0 ? 1 : minCores,
                capability, fingerprint);
    }

    private int hex(String s, String field) throws InvalidProfileException {
        if (!HEX.matcher(s).matches()) {
            throw err(field, "expected a hex number such as 0x41, got '" + s + "'");
        }
        return Integer.parseInt(s.substring(2), 16);
    }

    private DeviceProfile.Choices choices(Map<String, Object> c, boolean root) throws InvalidProfileException {
        unknown(c, CHOICES, "choices.");
        Map<String, List<String>> kernels = new LinkedHashMap<>();
        if (root && !c.containsKey("kernels")) {
            throw err("choices.kernels", "required in a profile that extends none");
        }
        if (c.containsKey("kernels")) {
            Map<String, Object> k = object(c.get("kernels"), "choices.kernels");
            for (String op : k.keySet()) {
                String field = "choices.kernels." + op;
                if (BuiltinOps.code(op) < 0) {
                    throw err(field, "not a TFLite builtin operator name (CONV_2D, FULLY_CONNECTED...)");
                }
                List<String> ids = strings(k, op, field, true);
                if (ids.isEmpty()) {
                    throw err(field, "empty preference list");
                }
                for (int i = 0; i < ids.size(); i++) {
                    if (!KERNEL_ID.matcher(ids.get(i)).matches()) {
                        throw err(field + "[" + i + "]", "malformed kernel id '" + ids.get(i)
                                + "', expected <op>_<dtype>[_<algorithm>][_<tile>]_<isa> such as conv2d_qs8_direct_ref");
                    }
                    if (ids.indexOf(ids.get(i)) != i) {
                        throw err(field + "[" + i + "]", "'" + ids.get(i) + "' is listed twice");
                    }
                }
                kernels.put(op, ids);
            }
        }
        Integer threads = c.containsKey("threads") ? (int) integer(c, "threads", "choices.threads", true, 0, 1024)
                : null;
        String cores = string(c, "cores", "choices.cores", false);
        if (cores != null && !Set.of("all", "big", "little").contains(cores)) {
            throw err("choices.cores", "expected all, big or little, got '" + cores + "'");
        }
        DeviceProfile.GemmBlocking blocking = null;
        if (c.containsKey("gemm_blocking")) {
            Map<String, Object> b = object(c.get("gemm_blocking"), "choices.gemm_blocking");
            unknown(b, Set.of("mc", "nc", "kc"), "choices.gemm_blocking.");
            blocking = new DeviceProfile.GemmBlocking(
                    (int) integer(b, "mc", "choices.gemm_blocking.mc", true, 1, 1 << 20),
                    (int) integer(b, "nc", "choices.gemm_blocking.nc", true, 1, 1 << 20),
                    (int) integer(b, "kc", "choices.gemm_blocking.kc", true, 1, 1 << 20));
        }
        Long budget = c.containsKey("arena_budget_bytes")
                ? integer(c, "arena_budget_bytes", "choices.arena_budget_bytes", true, 1, Long.MAX_VALUE) : null;
        DeviceProfile.GpuOffload gpu = null;
        if (c.containsKey("gpu_offload")) {
            Map<String, Object> g = object(c.get("gpu_offload"), "choices.gpu_offload");
            unknown(g, Set.of("enabled", "min_macs", "ops"), "choices.gpu_offload.");
            Object enabled = require(g, "enabled", "choices.gpu_offload.enabled");
            if (!(enabled instanceof Boolean)) {
                throw err("choices.gpu_offload.enabled", "expected true or false, got " + describe(enabled));
            }
            long minMacs = integer(g, "min_macs", "choices.gpu_offload.min_macs", false, 0, Long.MAX_VALUE);
            List<String> ops = strings(g, "ops", "choices.gpu_offload.ops", false);
            for (int i = 0; i < ops.size(); i++) {
                if (BuiltinOps.code(ops.get(i)) < 0) {
                    throw err("choices.gpu_offload.ops[" + i + "]", "not a TFLite builtin operator name: '"
                            + ops.get(i) + "'");
                }
            }
            gpu = new DeviceProfile.GpuOffload((Boolean) enabled, minMacs, ops);
        }
        return new DeviceProfile.Choices(kernels, threads, cores, blocking, budget, gpu);
    }

    // ---- typed field access ----

    private void unknown(Map<String, Object> m, Set<String> allowed, String prefix) throws InvalidProfileException {
        for (String k : m.keySet()) {
            if (!allowed.contains(k)) {
                throw err(prefix + k, "unknown field (a typo would otherwise change nothing); known: "
                        + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }

    private Object require(Map<String, Object> m, String key, String field) throws InvalidProfileException {
        if (!m.containsKey(key) || m.get(key) == null) {
            throw err(field, "required");
        }
        return m.get(key);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(Object v, String field) throws InvalidProfileException {
        if (!(v instanceof Map)) {
            throw err(field, "expected an object, got " + describe(v));
        }
        return (Map<String, Object>) v;
    }

    private String string(Map<String, Object> m, String key, String field, boolean required)
            throws InvalidProfileException {
        if (!m.containsKey(key)) {
            if (required) {
                throw err(field, "required");
            }
            return null;
        }
        Object v = m.get(key);
        if (!(v instanceof String s)) {
            throw err(field, "expected a string, got " + describe(v));
        }
        return s;
    }

    private String nonBlank(Map<String, Object> m, String key) throws InvalidProfileException {
        String s = string(m, key, key, true);
        if (s.trim().isEmpty()) {
            throw err(key, "must not be blank");
        }
        return s;
    }

    private long integer(Map<String, Object> m, String key, String field, boolean required, long min, long max)
            throws InvalidProfileException {
        if (!m.containsKey(key)) {
            if (required) {
                throw err(field, "required");
            }
            return 0;
        }
        Object v = m.get(key);
        if (!(v instanceof Long n)) {
            throw err(field, "expected an integer, got " + describe(v));
        }
        if (n < min || n > max) {
            throw err(field, "expected " + (max == Long.MAX_VALUE ? "at least " + min : min + " to " + max) + ", got "
                    + n);
        }
        return n;
    }

    private List<String> strings(Map<String, Object> m, String key, String field, boolean required)
            throws InvalidProfileException {
        if (!m.containsKey(key)) {
            if (required) {
                throw err(field, "required");
            }
            return List.of();
        }
        Object v = m.get(key);
        if (!(v instanceof List<?> l)) {
            throw err(field, "expected an array of strings, got " + describe(v));
        }
        List<String> r = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            if (!(l.get(i) instanceof String s)) {
                throw err(field + "[" + i + "]", "expected a string, got " + describe(l.get(i)));
            }
            r.add(s);
        }
        return r;
    }

    private static String describe(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        return v instanceof String ? "the string \"" + v + "\"" : v.getClass().getSimpleName().toLowerCase() + " " + v;
    }
}
