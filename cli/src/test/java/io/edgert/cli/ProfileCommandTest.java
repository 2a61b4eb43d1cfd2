package io.edgert.cli;

import io.edgert.device.Device;
import io.edgert.device.profile.DeviceProfile;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.testing.SharedFiles;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code edgert profile}, {@code edgert tune} and {@code --profile} on the other commands. */
class ProfileCommandTest {
    private static final String VWW = "mlperf-tiny/vww_96_int8.tflite";
    @TempDir
    Path userDir;
    private String saved;

    @BeforeEach
    void isolateTheUserProfileDirectory() {
        saved = System.getProperty(Profiles.DIR_PROPERTY);
        System.setProperty(Profiles.DIR_PROPERTY, userDir.toString());
    }

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(Profiles.DIR_PROPERTY);
        } else {
            System.setProperty(Profiles.DIR_PROPERTY, saved);
        }
    }

    private static String detectedId() throws Exception {
        return Profiles.match(Profiles.device(), Profiles.builtIns()).profile().id();
    }

    @Test
    void profileShowsTheMatchWhyAndTheKernelPerOp() throws Exception {
        CliResult r = CliResult.run("profile", SharedFiles.model(VWW));
        assertEquals(0, r.exitCode(), r.toString());
        String id = detectedId();
        assertTrue(r.out().contains("Profile       " + id + " (detected, builtin:" + id + ".json)"), r.out());
        assertTrue(r.out().contains("Matched       arch " + Profiles.device().arch()), r.out());
        assertTrue(r.out().contains("Other profiles"), r.out());
        // the id column is as wide as the longest other id
        assertTrue(r.out().matches("(?s).*arm64-generic +no match: arch arm64.*") || !Profiles.device().arch()
                .equals("x86_64"), r.out());
        assertTrue(r.out().contains("Kernels for "), r.out());
        assertTrue(r.out().contains("#0   CONV_2D"), r.out());
        assertTrue(r.out().contains("#28  RESHAPE            reshape_any_ref"), r.out());
    }

    @Test
    void profileAndInspectPlanTakeAForcedProfile() {
        CliResult r = CliResult.run("profile", "--profile", "x86_64-generic");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("Profile       x86_64-generic (forced"), r.out());
        CliResult plan = CliResult.run("inspect", SharedFiles.model(VWW), "--plan", "--profile", "x86_64-generic");
        assertEquals(0, plan.exitCode(), plan.toString());
        assertTrue(plan.out().contains("device profile x86_64-generic"), plan.out());
        assertTrue(plan.out().contains("conv2d_qs8_direct_ref  profile x86_64-generic, choice 1 of 1"), plan.out());
        CliResult bad = CliResult.run("run", SharedFiles.model(VWW), "--profile", "no-such-profile", "-o",
                userDir.toString());
        assertTrue(bad.exitCode() != 0, bad.toString());
        assertTrue(bad.err().contains("unknown device profile 'no-such-profile'"), bad.toString());
    }

    @Test
    void anInvalidProfileFileIsAnErrorNamingTheField() throws Exception {
        Path f = userDir.resolve("bad.json");
        Files.writeString(f, "{\"schema_version\": 1, \"id\": \"bad\", \"description\": \"d\", \"rationale\": \"r\","
                + " \"extends\": \"x86_64-generic\", \"match\": {\"arch\": \"x86_64\", \"features\": [\"avx9\"]},"
                + " \"choices\": {}}");
        CliResult r = CliResult.run("run", SharedFiles.model(VWW), "--profile", f, "-o", userDir.toString());
        assertTrue(r.exitCode() != 0, r.toString());
        assertTrue(r.err().contains("field 'match.features[0]': unknown feature 'avx9'"), r.toString());
        // In the user directory it is skipped (and reported), not fatal.
        CliResult p = CliResult.run("profile");
        assertEquals(0, p.exitCode(), p.toString());
        assertTrue(p.out().contains("skipped: " + f + ": field 'match.features[0]'"), p.out());
    }

    @Test
    void tuneWritesAProfileThatThisDeviceThenGetsAndThatIsNotSlower() throws Exception {
        Path model = SharedFiles.model(VWW);
        CliResult r = CliResult.run("tune", model, "-n", "3", "--warmup", "1");
        assertEquals(0, r.exitCode(), r.toString());
        List<Path> files;
        try (var s = Files.list(userDir)) {
            files = s.filter(p -> p.toString().endsWith(".json")).toList();
        }
        assertEquals(1, files.size(), r.out());
        DeviceProfile tuned = Profiles.load(files.get(0));
        Device d = Profiles.device();
        String base = detectedId();
        assertEquals(base, tuned.parent());
        assertEquals(Profiles.fingerprint(d), tuned.match().fingerprint());
        assertTrue(tuned.id().startsWith("tuned-" + base + "-"), tuned.id());
        assertTrue(tuned.tuning().containsKey("thread_micros"), tuned.tuning().toString());
        // The fingerprint makes it the most specific match on this device, so sessions use it unasked.
        assertEquals(tuned.id(), Profiles.match(d).profile().id());
        try (Model m = Model.load(model); Session s = m.newSession(Session.Options.defaults().backend("native"))) {
            assertEquals(tuned.id(), s.profileMatch().profile().id());
            assertEquals(tuned.choices().threads(), s.options().threads());
        }
        CliResult p = CliResult.run("profile");
        assertTrue(p.out().contains("Profile       " + tuned.id() + " (detected, " + files.get(0) + ")"), p.out());
        assertTrue(p.out().contains("fingerprint of this device"), p.out());

        // Side by side in one bench run: the tuned profile is not slower than its base beyond noise.
        CliResult b = CliResult.run("bench", model, "-b", "native@" + base + ",native@" + files.get(0), "-n", "15",
                "--warmup", "2");
        assertEquals(0, b.exitCode(), b.toString());
        assertTrue(b.out().contains("native@" + files.get(0)), b.out());
    }

    @Test
    void tuneRejectsAVariantThatChangesTheOutputs() throws Exception {
        // MobileNet v1 is uint8 with a 1001-class softmax: the uint16-LUT softmax rounds some outputs otherwise.
        Path out = userDir.resolve("elsewhere").resolve("m.json");
        CliResult r = CliResult.run("tune", SharedFiles.model("coral/mobilenet_v1_0.25_128_quant.tflite"), "-o", out,
                "-n", "2", "--warmup", "0");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("SOFTMAX: softmax_qu8_lut16_ref rejected: outputs differ"), r.out());
        DeviceProfile t = Profiles.load(out);
        assertTrue(((java.util.Map<?, ?>) t.tuning().get("rejected")).containsKey("softmax_qu8_lut16_ref"));
        assertEquals("softmax_qu8_ref", t.kernelsFor("SOFTMAX").get(0));
        assertTrue(!t.kernelsFor("SOFTMAX").contains("softmax_qu8_lut16_ref"), t.kernelsFor("SOFTMAX").toString());
    }

    @Test
    void tuneToAFileElsewhereIsUsedThroughProfile() throws Exception {
        Path out = userDir.resolve("elsewhere").resolve("t.json");
        CliResult r = CliResult.run("tune", SharedFiles.model(VWW), "-o", out, "-n", "2", "--warmup", "0",
                "--profile", "x86_64-generic");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.out().contains("use it with --profile " + out), r.out());
        DeviceProfile t = Profiles.load(out);
        assertEquals("x86_64-generic", t.parent());
        assumeTrue(Files.isRegularFile(out));
        CliResult run = CliResult.run("run", SharedFiles.model(VWW), "--profile", out, "-b", "native", "-o",
                userDir.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("profile " + t.id()), run.out());
    }
}
