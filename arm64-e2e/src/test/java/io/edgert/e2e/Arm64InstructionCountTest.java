package io.edgert.e2e;

import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guest instructions per inference on {@code native}, per kernel tier, counted by the edgert_insn qemu plugin
 * (.ci/arm64-insn-plugin.sh builds it): a proxy for the kernels' cost that, unlike emulated time, does not depend on
 * the host. The scalar {@code ref} kernels (EDGERT_ISA=ref on -cpu max) are the baseline. Prints the table; asserts
 * that the counts exist and repeat (one inference counted three times agrees within 1%), so the numbers can be
 * trusted. Skips without the plugin (not part of .ci/run: it downloads QEMU's plugin header) or what
 * {@link Arm64Emulation} needs.
 */
class Arm64InstructionCountTest {
    static final int RUNS = 3;

    static Path plugin() {
        String env = System.getenv("EDGERT_QEMU_INSN_PLUGIN");
        return env != null && !env.isEmpty() ? Path.of(env)
                : Path.of(System.getProperty("user.home"), ".cache", "edgert", "qemu-insn", "libedgert_insn.so");
    }

    @Test
    void instructionsPerInferencePerTier() throws Exception {
        Path plugin = plugin();
        Assumptions.assumeTrue(Files.isRegularFile(plugin),
                "no qemu instruction-count plugin at " + plugin + " (run .ci/arm64-insn-plugin.sh): skipping");
        Arm64Emulation emulation = Arm64Emulation.require();
        List<String> args = new ArrayList<>(List.of(Integer.toString(RUNS)));
        List<String> names = new ArrayList<>();
        for (String m : Arm64EndToEndTest.MODELS) {
            Path p = SharedFiles.model(m);
            args.add(p.toString());
            names.add(EmulatedRunDriver.name(p));
        }
        // column -> (cpu, EDGERT_ISA)
        Map<String, String[]> configs = new LinkedHashMap<>();
        configs.put("ref", new String[] {"max", "ref"});
        for (Arm64EndToEndTest.Tier t : Arm64EndToEndTest.Tier.values()) {
            configs.put(t.name().toLowerCase(Locale.ROOT) + " (" + t.cpu + ")", new String[] {t.cpu, t.isa});
        }
        Map<String, Map<String, Long>> table = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> c : configs.entrySet()) {
            String cpu = c.getValue()[0];
            String isa = c.getValue()[1];
            Arm64Emulation.Run run = emulation.java(List.of("-plugin", plugin.toString()), cpu,
                    isa.isEmpty() ? Map.of() : Map.of("EDGERT_ISA", isa), Arm64EndToEndTest.TIMEOUT_SECONDS,
                    InstructionCountDriver.class.getName(), args);
            assertEquals(0, run.exitCode(), c.getKey() + ":\n" + run.output());
            table.put(c.getKey(), perInference(c.getKey(), run.output(), names));
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-28s", "instructions per inference"));
        table.keySet().forEach(k -> out.append(String.format(Locale.ROOT, "%22s", k)));
        for (String name : names) {
            out.append(String.format(Locale.ROOT, "%n%-28s", name));
            long ref = table.get("ref").get(name);
            for (Map<String, Long> col : table.values()) {
                long n = col.get(name);
                out.append(String.format(Locale.ROOT, "%14d (%4.2fx)", n, (double) ref / n));
            }
        }
        System.out.println(out + "\n(ratio: ref instructions / this tier's; counted under qemu, not timed)");
    }

    /** The median of each model's RUNS counts, after checking that they agree within 1%. */
    static Map<String, Long> perInference(String config, String output, List<String> names) {
        Map<String, Long> r = new LinkedHashMap<>();
        String model = null;
        List<Long> counts = new ArrayList<>();
        for (String line : (output + "\nmodel <end>").split("\n")) {
            if (line.startsWith("model ")) {
                if (model != null) {
                    assertEquals(RUNS, counts.size(), config + " " + model + ": counts " + counts + "\n" + output);
                    long min = counts.stream().mapToLong(Long::longValue).min().getAsLong();
                    long max = counts.stream().mapToLong(Long::longValue).max().getAsLong();
                    assertTrue(min > 0 && max - min <= max / 100, config + " " + model + ": unstable " + counts);
                    r.put(model, counts.stream().sorted().toList().get(RUNS / 2));
                }
                model = line.substring("model ".length()).trim();
                counts = new ArrayList<>();
            } else if (line.startsWith("edgert-insn ")) {
                counts.add(Long.parseLong(line.substring("edgert-insn ".length()).trim()));
            }
        }
        assertEquals(names, new ArrayList<>(r.keySet()), config + ": models counted\n" + output);
        return r;
    }
}
