package io.edgert.device.profile;

import io.edgert.device.CoreCluster;
import io.edgert.device.CpuInfo;
import io.edgert.device.Device;
import io.edgert.runtime.EdgertException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Finds device profiles and picks one for a device.
 *
 * <p>Candidates are the built-in profiles (resources listed in {@code io/edgert/profiles/index.txt}) and the
 * {@code *.json} files of the user profile directory ({@value #DIR_PROPERTY} system property, else the
 * {@code EDGERT_PROFILE_DIR} environment variable, else {@code ~/.edgert/profiles}), where {@code edgert tune}
 * writes by default. A device gets the most specific matching candidate; "specific" compares, in order:
 * <ol>
 *   <li>a {@code match.fingerprint} (a tuned profile for exactly this device),</li>
 *   <li>the GPU condition (a higher minimum compute capability is more specific; none is least),</li>
 *   <li>an {@code os} condition,</li>
 *   <li>CPU identity conditions ({@code cpu_vendor}, {@code cpu_implementer}, {@code cpu_parts}), counted,</li>
 *   <li>the number of required ISA features,</li>
 *   <li>{@code min_cores},</li>
 * </ol>
 * and ties go to the alphabetically first id, so the choice never depends on file order.
 */
public final class Profiles {
    // java.util.logging, not System.Logger: Android (API 26) has no System.Logger
    private static final Logger LOG = Logger.getLogger(Profiles.class.getName());
    public static final String DIR_PROPERTY = "edgert.profile.dir";
    private static final String RESOURCES = "/io/edgert/profiles/";
    private static List<DeviceProfile> builtIns;
    private static Map<String, DeviceProfile> builtInDocs;
    private static Device device;

    private Profiles() {
    }

    // ---- loading ----

    /** Every built-in profile after inheritance, in index order. */
    public static synchronized List<DeviceProfile> builtIns() {
        if (builtIns == null) {
            try {
                Map<String, DeviceProfile> docs = new LinkedHashMap<>();
                for (String file : index()) {
                    String text = resource(file);
                    DeviceProfile d = ProfileParser.parse(text, "builtin:" + file);
                    if (!file.equals(d.id() + ".json")) {
                        throw new InvalidProfileException(d.source(), "id", "a built-in profile's file is named after"
                                + " its id, got '" + d.id() + "' in " + file);
                    }
                    docs.put(d.id(), d);
                }
                List<DeviceProfile> r = new ArrayList<>();
                for (DeviceProfile d : docs.values()) {
                    r.add(inherit(d, docs));
                }
                builtInDocs = docs;
                builtIns = List.copyOf(r);
            } catch (InvalidProfileException | IOException e) {
                // A broken built-in is a build defect (BuiltInProfilesTest); fail loudly.
                throw new IllegalStateException("built-in device profiles: " + e.getMessage(), e);
            }
        }
        return builtIns;
    }

    /** The built-in profile with this id, or null. */
    public static DeviceProfile builtIn(String id) {
        for (DeviceProfile p : builtIns()) {
            if (p.id().equals(id)) {
                return p;
            }
        }
        return null;
    }

    private static List<String> index() throws IOException {
        List<String> r = new ArrayList<>();
        for (String line : resource("index.txt").split("\n")) {
            String l = line.trim();
            if (!l.isEmpty() && !l.startsWith("#")) {
                r.add(l);
            }
        }
        return r;
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = Profiles.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("missing resource " + RESOURCES + name);
            }
            // InputStream.readAllBytes needs Android API 33; this loop runs everywhere.
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            for (int n; (n = in.read(buf)) > 0; ) {
                bytes.write(buf, 0, n);
            }
            return new String(bytes.toByteArray(), StandardCharsets.UTF_8);
        }
    }

    /** Reads a profile file; {@code extends} may name a built-in or a profile in the user profile directory. */
    public static DeviceProfile load(Path file) throws EdgertException {
        return parse(readFile(file), file.toString());
    }

    /** Parses profile text (named {@code source} in errors) and applies its {@code extends}. */
    public static DeviceProfile parse(String text, String source) throws InvalidProfileException {
        DeviceProfile doc = ProfileParser.parse(text, source);
        Map<String, DeviceProfile> docs = new LinkedHashMap<>();
        builtIns();
        docs.putAll(builtInDocs);
        if (doc.parent() != null && !docs.containsKey(doc.parent())) {
            docs.putAll(userDocs(new ArrayList<>()));
        }
        docs.put(doc.id(), doc);
        return inherit(doc, docs);
    }

    private static String readFile(Path file) throws EdgertException {
        try {
            return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EdgertException("cannot read device profile " + file + ": " + e);
        }
    }

    /** The user profile directory (it may not exist). */
    public static Path userDirectory() {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null || dir.isEmpty()) {
            dir = System.getenv("EDGERT_PROFILE_DIR");
        }
        if (dir == null || dir.isEmpty()) {
            return Paths.get(System.getProperty("user.home", "."), ".edgert", "profiles");
        }
        return Paths.get(dir);
    }

    /** Profiles of the user directory; files that fail to parse are reported in {@code errors} and skipped. */
    public static List<DeviceProfile> userProfiles(List<String> errors) {
        Map<String, DeviceProfile> docs = userDocs(errors);
        builtIns();
        Map<String, DeviceProfile> all = new LinkedHashMap<>(builtInDocs);
        all.putAll(docs);
        List<DeviceProfile> r = new ArrayList<>();
        for (DeviceProfile d : docs.values()) {
            try {
                r.add(inherit(d, all));
            } catch (InvalidProfileException e) {
                errors.add(e.getMessage());
            }
        }
        return r;
    }

    private static Map<String, DeviceProfile> userDocs(List<String> errors) {
        Map<String, DeviceProfile> docs = new LinkedHashMap<>();
        Path dir = userDirectory();
        if (!Files.isDirectory(dir)) {
            return docs;
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            ds.forEach(files::add);
        } catch (IOException e) {
            errors.add(dir + ": " + e);
            return docs;
        }
        files.sort(Comparator.comparing(Path::toString));
        for (Path f : files) {
            try {
                DeviceProfile d = ProfileParser.parse(readFile(f), f.toString());
                if (builtIn(d.id()) != null || docs.containsKey(d.id())) {
                    errors.add(f + ": id '" + d.id() + "' is already taken" + (builtIn(d.id()) != null
                            ? " by a built-in profile" : " by another file") + "; skipped");
                    continue;
                }
                docs.put(d.id(), d);
            } catch (EdgertException e) {
                errors.add(e.getMessage());
            }
        }
        return docs;
    }

    /** Applies {@code extends}: the root's choices first, each descendant's over them. */
    private static DeviceProfile inherit(DeviceProfile doc, Map<String, DeviceProfile> docs)
            throws InvalidProfileException {
        List<DeviceProfile> chain = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (DeviceProfile p = doc; p != null; ) {
            if (!seen.add(p.id())) {
                throw new InvalidProfileException(doc.source(), "extends", "cycle " + String.join(" -> ", seen)
                        + " -> " + p.id());
            }
            chain.add(p);
            if (p.parent() == null) {
                break;
            }
            DeviceProfile parent = docs.get(p.parent());
            if (parent == null) {
                throw new InvalidProfileException(p.source(), "extends", "unknown profile '" + p.parent()
                        + "' (built-in ids: " + String.join(", ", builtInIds()) + ")");
            }
            if (!parent.match().arch().equals(p.match().arch())) {
                throw new InvalidProfileException(p.source(), "extends", "'" + p.parent() + "' is for "
                        + parent.match().arch() + ", this profile for " + p.match().arch());
            }
            p = parent;
        }
        DeviceProfile.Choices c = chain.get(chain.size() - 1).choices();
        for (int i = chain.size() - 2; i >= 0; i--) {
            c = chain.get(i).choices().over(c);
        }
        List<String> ids = new ArrayList<>();
        chain.forEach(p -> ids.add(p.id()));
        return new DeviceProfile(doc.id(), doc.description(), doc.rationale(), doc.parent(), doc.match(), c, ids,
                doc.source(), doc.tuning());
    }

    private static List<String> builtInIds() {
        return builtInDocs == null ? List.of() : new ArrayList<>(builtInDocs.keySet());
    }

    // ---- choosing ----

    /** The device this JVM runs on, detected once. */
    public static synchronized Device device() {
        if (device == null) {
            device = Device.detect();
        }
        return device;
    }

    /**
     * The profile for {@code idOrPath} (a built-in id, a user-directory id, or a JSON file), or the most specific
     * match for the device when it is null.
     */
    public static ProfileMatch resolve(String idOrPath, Device d) throws EdgertException {
        if (idOrPath == null || idOrPath.isEmpty()) {
            return match(d);
        }
        DeviceProfile p = builtIn(idOrPath);
        if (p == null) {
            for (DeviceProfile u : userProfiles(new ArrayList<>())) {
                if (u.id().equals(idOrPath)) {
                    p = u;
                }
            }
        }
        if (p == null) {
            Path file = Paths.get(idOrPath);
            if (!Files.isRegularFile(file)) {
                throw new EdgertException("unknown device profile '" + idOrPath + "': neither a profile id ("
                        + String.join(", ", builtInIds()) + ") nor a file");
            }
            p = load(file);
        }
        return forced(p, d, "forced");
    }

    /** Describes {@code p} for {@code d} when the user chose it: conditions it misses are listed, not enforced. */
    public static ProfileMatch forced(DeviceProfile p, Device d, String how) {
        List<String> met = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        conditions(p.match(), d, met, failed);
        for (String f : failed) {
            met.add("NOT " + f + " (kernels this device cannot run are still never chosen)");
        }
        return new ProfileMatch(p, how, met, Map.of());
    }

    /**
     * The most specific built-in or user profile matching {@code d} (every x86_64 and arm64 device matches a generic
     * one); on other architectures a "none" profile that leaves every choice to the native registry.
     */
    public static ProfileMatch match(Device d) {
        List<String> errors = new ArrayList<>();
        List<DeviceProfile> candidates = new ArrayList<>(builtIns());
        candidates.addAll(userProfiles(errors));
        for (String e : errors) {
            LOG.log(Level.WARNING, "skipping user device profile: " + e);
        }
        return match(d, candidates);
    }

    /** The most specific of {@code candidates} matching {@code d}, with why the others lost. */
    public static ProfileMatch match(Device d, List<DeviceProfile> candidates) {
        DeviceProfile best = null;
        List<String> bestMet = null;
        Map<String, String> others = new LinkedHashMap<>();
        Map<String, List<String>> matching = new LinkedHashMap<>();
        for (DeviceProfile p : candidates) {
            List<String> met = new ArrayList<>();
            List<String> failed = new ArrayList<>();
            conditions(p.match(), d, met, failed);
            if (!failed.isEmpty()) {
                others.put(p.id(), "no match: " + String.join("; ", failed));
                continue;
            }
            matching.put(p.id(), met);
            if (best == null || SPECIFICITY.compare(p, best) > 0) {
                best = p;
                bestMet = met;
            }
        }
        if (best == null) {
            // An architecture without profiles (riscv64...) still runs: the registry's own order decides.
            return new ProfileMatch(none(d), "fallback", List.of("no profile matches arch " + d.arch()
                    + "; the native registry's best-first order decides every op"), others);
        }
        for (DeviceProfile p : candidates) {
            if (matching.containsKey(p.id()) && p != best) {
                others.put(p.id(), "matches, less specific (" + specificity(p) + " vs " + specificity(best) + ")");
            }
        }
        List<String> why = new ArrayList<>(bestMet);
        why.add("most specific of " + matching.size() + " matching (" + specificity(best) + ")");
        return new ProfileMatch(best, "detected", why, others);
    }

    /** What a device no profile matches gets: no kernel preferences (registry order), one thread. */
    static DeviceProfile none(Device d) {
        return new DeviceProfile("none", "No device profile matches this device.",
                "Without a profile the native registry's best-first order picks each kernel.", null,
                new DeviceProfile.Match(d.arch(), List.of(), null, null, -1, List.of(), 1, -1, null),
                new DeviceProfile.Choices(Map.of(), null, null, null, null, null), List.of("none"), "fallback",
                Map.of());
    }

    /** Larger is more specific; ties broken toward the alphabetically first id (which compares larger here). */
    public static final Comparator<DeviceProfile> SPECIFICITY = Comparator
            .<DeviceProfile>comparingInt(p -> p.match().fingerprint() != null ? 1 : 0)
            .thenComparingInt(p -> p.match().gpuMinCapability())
            .thenComparingInt(p -> p.match().os() != null ? 1 : 0)
            .thenComparingInt(p -> identityConditions(p.match()))
            .thenComparingInt(p -> p.match().features().size())
            .thenComparingInt(p -> p.match().minCores())
            .thenComparing(DeviceProfile::id, Comparator.reverseOrder());

    private static int identityConditions(DeviceProfile.Match m) {
        return (m.cpuVendor() != null ? 1 : 0) + (m.cpuImplementer() >= 0 ? 1 : 0) + (m.cpuParts().isEmpty() ? 0 : 1);
    }

    /** "fingerprint 0, gpu -, os 0, cpu 1, features 2, min_cores 1". */
    static String specificity(DeviceProfile p) {
        DeviceProfile.Match m = p.match();
        return "fingerprint " + (m.fingerprint() != null ? 1 : 0) + ", gpu "
                + (m.gpuMinCapability() < 0 ? "-" : capability(m.gpuMinCapability())) + ", os "
                + (m.os() != null ? 1 : 0) + ", cpu id " + identityConditions(m) + ", features " + m.features().size()
                + ", min_cores " + m.minCores();
    }

    private static String capability(int cc) {
        return cc / 10 + "." + cc % 10;
    }

    /** Sorts each condition of {@code m} into {@code met} or {@code failed}, worded for {@code edgert profile}. */
    static void conditions(DeviceProfile.Match m, Device d, List<String> met, List<String> failed) {
        (m.arch().equals(d.arch()) ? met : failed).add("arch " + m.arch() + (m.arch().equals(d.arch()) ? ""
                : " (device: " + d.arch() + ")"));
        if (m.os() != null) {
            String os = isAndroid(d) ? "android" : "linux";
            (m.os().equals(os) ? met : failed).add("os " + m.os() + (m.os().equals(os) ? "" : " (device: " + os
                    + ")"));
        }
        List<String> lacking = new ArrayList<>();
        for (String f : m.features()) {
            if (!d.hasFeature(f)) {
                lacking.add(f);
            }
        }
        if (!lacking.isEmpty()) {
            failed.add("lacks " + String.join(" ", lacking));
        } else if (!m.features().isEmpty()) {
            met.add("features " + String.join(" ", m.features()));
        }
        if (m.cpuVendor() != null) {
            boolean ok = m.cpuVendor().equals(d.cpu().vendor());
            (ok ? met : failed).add("cpu_vendor " + m.cpuVendor() + (ok ? "" : " (device: " + d.cpu().vendor() + ")"));
        }
        if (m.cpuImplementer() >= 0) {
            boolean ok = d.cpu().processors().stream().anyMatch(c -> c.implementer() == m.cpuImplementer());
            (ok ? met : failed).add(String.format(Locale.ROOT, "cpu_implementer 0x%02x", m.cpuImplementer()));
        }
        if (!m.cpuParts().isEmpty()) {
            CpuInfo.Core hit = null;
            for (CpuInfo.Core c : d.cpu().processors()) {
                if (m.cpuParts().contains(c.part()) && (m.cpuImplementer() < 0 || c.implementer() == m.cpuImplementer())) {
                    hit = c;
                    break;
                }
            }
            List<String> hex = new ArrayList<>();
            m.cpuParts().forEach(p -> hex.add(String.format(Locale.ROOT, "0x%03x", p)));
            if (hit != null) {
                met.add("cpu_parts " + String.join(" ", hex) + " (" + hit.partName() + ")");
            } else {
                failed.add("no core is part " + String.join("/", hex));
            }
        }
        if (m.minCores() > 1) {
            boolean ok = d.logicalCpus() >= m.minCores();
            (ok ? met : failed).add("min_cores " + m.minCores() + " (device: " + d.logicalCpus() + ")");
        }
        if (m.gpuMinCapability() >= 0) {
            int cc = gpuCapability(d);
            String want = "GPU compute capability >= " + capability(m.gpuMinCapability());
            if (!d.cuda().usable()) {
                failed.add(want + ": no usable CUDA GPU (" + d.cuda().reason() + ")");
            } else if (cc < 0) {
                failed.add(want + ": unknown capability for " + String.join(", ", d.cuda().gpus()));
            } else if (cc < m.gpuMinCapability()) {
                failed.add(want + ": " + String.join(", ", d.cuda().gpus()) + " is " + capability(cc));
            } else {
                met.add(want + " (" + String.join(", ", d.cuda().gpus()) + ": " + capability(cc) + ")");
            }
        }
        if (m.fingerprint() != null) {
            boolean ok = m.fingerprint().equals(fingerprint(d));
            (ok ? met : failed).add(ok ? "fingerprint of this device" : "tuned for another device (" + m.fingerprint()
                    + ")");
        }
    }

    static boolean isAndroid(Device d) {
        return d.os().toLowerCase(Locale.ROOT).startsWith("android");
    }

    /**
     * What a tuned profile is keyed by: CPU model, architecture, ISA features and logical CPU count, as in
     * "Intel(R) Xeon(R) Platinum 8488C | x86_64 | avx2 fma ... | 2 cpus".
     */
    public static String fingerprint(Device d) {
        return d.cpu().modelName() + " | " + d.arch() + " | " + String.join(" ", d.featureList()) + " | "
                + d.logicalCpus() + " cpus";
    }

    private static final Object[][] GPU_CAPABILITIES = {
            {"\\bB200\\b|\\bGB200\\b|\\bB100\\b", 100},
            {"\\bH100\\b|\\bH200\\b|\\bGH200\\b|\\bH800\\b|\\bH20\\b", 90},
            {"\\bL4\\b|\\bL40S?\\b|\\bRTX 40\\d0|\\bRTX 6000 Ada\\b", 89},
            {"\\bOrin\\b", 87},
            {"\\bA10G?\\b|\\bA40\\b|\\bA16\\b|\\bA2\\b|\\bRTX 30\\d0|\\bRTX A\\d000\\b", 86},
            {"\\bA100\\b|\\bA30\\b|\\bA800\\b", 80},
            {"\\bT4\\b|\\bRTX 20\\d0|\\bQuadro RTX\\b", 75},
            {"\\bXavier\\b", 72},
            {"\\bV100\\b", 70},
    };

    /**
     * The highest CUDA compute capability (major*10+minor) among the device's GPUs, from their model names (the
     * detector reads names, never loads the driver), or -1 when unknown or no GPU is usable.
     */
    public static int gpuCapability(Device d) {
        if (!d.cuda().usable()) {
            return -1;
        }
        int best = -1;
        for (String name : d.cuda().gpus()) {
            for (Object[] row : GPU_CAPABILITIES) {
                if (Pattern.compile((String) row[0]).matcher(name).find()) {
                    best = Math.max(best, (Integer) row[1]);
                    break;
                }
            }
        }
        return best;
    }

    /**
     * Worker threads the profile asks for on {@code d}: {@code choices.threads}, where 0 means one per selected core
     * ({@code cores}: the biggest cluster, the smallest, or all), never more than the CPUs this process may use;
     * 1 when the profile does not say.
     */
    public static int threads(DeviceProfile p, Device d) {
        Integer t = p.choices().threads();
        int available = Math.max(1, d.availableCpus());
        if (t == null) {
            return 1;
        }
        if (t > 0) {
            return Math.min(t, available);
        }
        String cores = p.choices().cores() == null ? "all" : p.choices().cores();
        int n = available;
        if (!cores.equals("all") && d.isHeterogeneous()) {
            Comparator<CoreCluster> bySpeed = Comparator.comparingInt(CoreCluster::capacity)
                    .thenComparingLong(CoreCluster::maxFreqKHz);
            CoreCluster c = cores.equals("big") ? d.clusters().stream().max(bySpeed).get()
                    : d.clusters().stream().min(bySpeed).get();  // isHeterogeneous: non-empty
            n = c.cpus().size();
        }
        return Math.max(1, Math.min(n, available));
    }

    /** Serializes a profile document (as {@code edgert tune} writes it). */
    public static String toJson(Map<String, Object> document) {
        return Json.write(document);
    }
}
