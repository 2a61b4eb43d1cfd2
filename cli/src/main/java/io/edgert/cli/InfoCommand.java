package io.edgert.cli;

import io.edgert.device.Device;
import io.edgert.runtime.backend.Backend;
import io.edgert.runtime.backend.Backends;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code edgert info}: the detected device, the backends that can run here, and whether CUDA is usable. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Shows the detected device: OS, CPU, cores, ISA features, caches, memory, backends, CUDA.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Device d = Device.detect();
        out.println("edgert " + Edgert.Version.version());
        DeviceSummary.print(d, out);
        boolean first = true;
        for (String name : Backends.names()) {
            if (Backends.AUTO.equals(name)) {
                continue;
            }
            Backend b = Backends.get(name);
            String state = b.isAvailable() ? "available" : "unavailable: " + b.unavailableReason();
            out.printf(DeviceSummary.ROW, first ? "Backends" : "", name + ": " + state);
            first = false;
        }
        out.printf(DeviceSummary.ROW, "CUDA", d.cuda().usable()
                ? "usable: " + d.cuda().reason() + (d.cuda().driverVersion().equals(Device.UNKNOWN) ? ""
                        : "; " + d.cuda().driverVersion())
                : "not usable: " + d.cuda().reason());
        out.flush();
        return ExitCodes.OK;
    }
}
