package io.edgert.device;

import java.util.List;
import java.util.Set;

/**
 * What {@code /proc/cpuinfo} says about the CPU. x86 kernels fill vendor, model name and family/model/stepping;
 * arm64 kernels fill implementer/part per core instead (and usually no model name, which {@link #modelName()} then
 * derives from the part table). Text fields are {@link Device#UNKNOWN} and numbers -1 when absent.
 *
 * @param vendor      x86 {@code vendor_id} (GenuineIntel, AuthenticAMD) or the ARM implementer's name
 * @param modelName   x86 {@code model name}, or the ARM core name(s) ("Cortex-A76") when the kernel gives none
 * @param family      x86 {@code cpu family}, -1 elsewhere
 * @param model       x86 {@code model}, -1 elsewhere
 * @param stepping    x86 {@code stepping}, -1 elsewhere
 * @param hardware    the arm32/vendor-kernel {@code Hardware} line (SoC name), or unknown
 * @param processors  one entry per logical CPU listed
 * @param flags       the raw x86 {@code flags} or ARM {@code Features} tokens of the first CPU
 */
public record CpuInfo(String vendor, String modelName, int family, int model, int stepping, String hardware,
                      List<Core> processors, Set<String> flags) {
    public CpuInfo {
        processors = List.copyOf(processors);
        flags = Set.copyOf(flags);
    }

    /** Nothing known (no readable {@code /proc/cpuinfo}). */
    public static final CpuInfo UNKNOWN = new CpuInfo(Device.UNKNOWN, Device.UNKNOWN, -1, -1, -1, Device.UNKNOWN,
            List.of(), Set.of());

    /**
     * One logical CPU's entry. On ARM, implementer and part identify the core type (0x41/0xd0b is an Arm Cortex-A76);
     * on x86 they are -1.
     */
    public record Core(int processor, int implementer, int part, int variant, int revision) {
        /** "Cortex-A76", or "implementer 0x.. part 0x..." for parts the table does not know, or unknown on x86. */
        public String partName() {
            return implementer < 0 ? Device.UNKNOWN : ArmCpuParts.coreName(implementer, part);
        }
    }

    public boolean isArm() {
        return !processors.isEmpty() && processors.get(0).implementer() >= 0;
    }

    /** The x86 "family/model" pair as Intel writes it ("6/207", hex in some tools), or unknown. */
    public String familyModel() {
        return family < 0 ? Device.UNKNOWN : family + "/" + model + (stepping >= 0 ? " stepping " + stepping : "");
    }
}
