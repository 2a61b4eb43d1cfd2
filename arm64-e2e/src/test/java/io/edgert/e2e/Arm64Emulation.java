package io.edgert.e2e;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Finds what the emulated arm64 JVM needs and starts it: {@code qemu-aarch64} (Debian qemu-user), the arm64 JRE
 * sysroot that {@code .ci/arm64-jre.sh} prepares, and the linux-arm64 classifier jar of edgert-native. Each
 * {@code require*} skips the calling test with a message saying how to get the missing piece.
 */
final class Arm64Emulation {
    static final String JAVA_IN_SYSROOT = "usr/lib/jvm/java-17-openjdk-arm64/bin/java";

    final Path qemu;
    final Path sysroot;
    final Path nativeJar;

    private Arm64Emulation(Path qemu, Path sysroot, Path nativeJar) {
        this.qemu = qemu;
        this.sysroot = sysroot;
        this.nativeJar = nativeJar;
    }

    static Arm64Emulation require() {
        Path qemu = onPath("qemu-aarch64");
        Assumptions.assumeTrue(qemu != null, "qemu-aarch64 not on PATH (apt-get install qemu-user): skipping");
        Path sysroot = sysroot();
        Assumptions.assumeTrue(Files.isExecutable(sysroot.resolve(JAVA_IN_SYSROOT)),
                "no arm64 JRE in " + sysroot + " (run .ci/arm64-jre.sh): skipping");
        String jar = System.getProperty("edgert.arm64.nativeJar", "");
        Path nativeJar = jar.isEmpty() ? null : Path.of(jar);
        Assumptions.assumeTrue(nativeJar != null && Files.isRegularFile(nativeJar), "no linux-arm64 edgert-native jar "
                + "at " + nativeJar + " (mvn -Djavacpp.platform=linux-arm64 -pl native package): skipping");
        return new Arm64Emulation(qemu, sysroot, nativeJar);
    }

    /** $EDGERT_ARM64_SYSROOT, else .ci/arm64-jre.sh's default. */
    static Path sysroot() {
        String env = System.getenv("EDGERT_ARM64_SYSROOT");
        if (env != null && !env.isEmpty()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "edgert", "arm64-sysroot");
    }

    private static Path onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path p = Path.of(dir, exe);
            if (!dir.isEmpty() && Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * This test JVM's classpath plus the arm64 native jar. The x86 classifier jars on it are harmless: JavaCPP loads
     * from the directory named after its own platform (linux-arm64), which only the arm64 jars have.
     */
    String classPath() {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return nativeJar + File.pathSeparator + cp;
    }

    /** Result of one emulated JVM run. */
    record Run(int exitCode, String output, long millis) {
    }

    /**
     * Runs {@code mainClass} in the arm64 JVM under {@code qemu-aarch64 -cpu cpu}, with extra environment (the
     * EDGERT_ISA filter), and returns its exit code and combined output; a run past {@code timeoutSeconds} is killed.
     */
    Run java(String cpu, Map<String, String> env, long timeoutSeconds, String mainClass, List<String> args)
            throws IOException, InterruptedException {
        return java(List.of(), cpu, env, timeoutSeconds, mainClass, args);
    }

    /** As {@link #java(String, Map, long, String, List)} with extra qemu options (a -plugin) before the program. */
    Run java(List<String> qemuOptions, String cpu, Map<String, String> env, long timeoutSeconds, String mainClass,
             List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(qemu.toString()));
        cmd.addAll(qemuOptions);
        cmd.addAll(List.of("-cpu", cpu, "-L", sysroot.toString(),
                sysroot.resolve(JAVA_IN_SYSROOT).toString(),
                // C1 only: under emulation C2's compile time is never paid back in these short runs.
                "-XX:TieredStopAtLevel=1", "-Xss4m", "-cp", classPath(), mainClass));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        Path log = Files.createTempFile("edgert-arm64-", ".log");
        pb.redirectOutput(log.toFile());
        long start = System.nanoTime();
        Process p = pb.start();
        boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly().waitFor();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        String output = Files.readString(log);
        Files.delete(log);
        return new Run(done ? p.exitValue() : -1, done ? output : output + "\n(killed after " + timeoutSeconds + " s)",
                millis);
    }
}
