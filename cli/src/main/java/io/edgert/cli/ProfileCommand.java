package io.edgert.cli;

import io.edgert.device.Device;
import io.edgert.device.profile.DeviceProfile;
import io.edgert.device.profile.ProfileMatch;
import io.edgert.device.profile.Profiles;
import io.edgert.runtime.EdgertException;
import io.edgert.runtime.Model;
import io.edgert.runtime.Session;
import io.edgert.runtime.backend.NativeBackend;
import io.edgert.runtime.plan.PlanSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code edgert profile [MODEL]}: the detected device, the device profile it gets and why (the conditions met, and
 * every other profile with why it lost), and for a model the kernel the native planner picks per op.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Shows the device profile chosen for this device and why; with MODEL, the kernel per op.")
final class ProfileCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "MODEL", description = "a .tflite file (optional)")
    Path modelPath;

    @Option(names = {"--profile", "--device-profile"}, paramLabel = "ID|FILE",
            description = "show this profile (id or JSON file) instead of the detected one")
    String profile;

    @Option(names = "--list", description = "also list every candidate profile's description and rationale")
    boolean list;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Device d = Profiles.device();
        ProfileMatch m = Profiles.resolve(profile, d);
        DeviceProfile p = m.profile();
        DeviceSummary.print(d, out);
        out.printf(DeviceSummary.ROW, "Fingerprint", Profiles.fingerprint(d));
        out.printf(DeviceSummary.ROW, "CUDA", d.cuda());
        out.println();
        out.printf(DeviceSummary.ROW, "Profile", p.id() + " (" + m.how() + ", " + p.source() + ")");
        if (p.chain().size() > 1) {
            out.printf(DeviceSummary.ROW, "Extends", String.join(" <- ", p.chain().subList(1, p.chain().size())));
        }
        out.printf(DeviceSummary.ROW, "For", p.description());
        out.printf(DeviceSummary.ROW, "Rationale", p.rationale());
        for (int i = 0; i < m.matched().size(); i++) {
            out.printf(DeviceSummary.ROW, i == 0 ? "Matched" : "", m.matched().get(i));
        }
        out.printf(DeviceSummary.ROW, "Threads", Profiles.threads(p, d) + " (choices.threads "
                + (p.choices().threads() == null ? "unset" : p.choices().threads()) + ", cores "
                + (p.choices().cores() == null ? "all" : p.choices().cores()) + ")");
        p.choices().kernels().forEach((op, ids) -> out.printf("  %-18s %s%n", op, String.join(" > ", ids)));
        List<String> userErrors = new ArrayList<>();
        List<DeviceProfile> user = Profiles.userProfiles(userErrors);
        if (!m.others().isEmpty()) {
            out.println("Other profiles");
            int w = m.others().keySet().stream().mapToInt(String::length).max().orElse(10);
            for (Map.Entry<String, String> e : m.others().entrySet()) {
                out.printf("  %-" + w + "s  %s%n", e.getKey(), e.getValue());
            }
        }
        out.printf("User profiles  %s (%d loaded)%n", Profiles.userDirectory(), user.size());
        userErrors.forEach(e -> out.println("  skipped: " + e));
        if (list) {
            for (DeviceProfile c : Profiles.builtIns()) {
                out.printf("  %s: %s%n    %s%n", c.id(), c.description(), c.rationale());
            }
        }
        if (modelPath != null) {
            out.println();
            try (Model model = Model.load(modelPath)) {
                PlanSummary plan;
                try {
                    plan = NativeBackend.summarize(model, Session.Options.defaults().backend(NativeBackend.NAME)
                            .profile(profile));
                } catch (EdgertException e) {
                    out.println("Kernels for " + modelPath + ": not plannable on 'native': " + e.getMessage());
                    out.flush();
                    return ExitCodes.OK;
                }
                out.println("Kernels for " + modelPath + " (native backend, profile " + plan.profile() + ")");
                PlanSection.printKernels(plan, out, "  ");
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
