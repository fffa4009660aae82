package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/speicherd}, the launcher the README starts the server with: it runs the jar with the
 * JVM launch defaults the README lists, and {@code SPEICHERD_JAVA_OPTS} comes after them and wins,
 * down to the collector (a default naming G1 would make another collector refuse to start).
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("../bin/speicherd").toAbsolutePath().normalize();

    private record Run(int exit, String output) {
        /** The final value of a JVM flag, from {@code -XX:+PrintFlagsFinal}'s table. */
        String flag(String name) {
            Matcher m = Pattern.compile("\\s" + name + "\\s+=\\s+(\\S+)").matcher(output);
            assertTrue(m.find(), name + " not in:\n" + output);
            return m.group(1);
        }
    }

    private static Run launch(String javaOptions) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(LAUNCHER.toString(), "--version").redirectErrorStream(true);
        builder.environment().put("SPEICHERD_JAR", ServerProcess.jar().toString());
        builder.environment().put("SPEICHERD_JAVA_OPTS", javaOptions);
        // The JDK running these tests: bin/jdk takes $JAVA_HOME when it is new enough.
        builder.environment().put("JAVA_HOME", Path.of(ServerProcess.java()).getParent().getParent().toString());
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "launcher did not exit");
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    @Test
    void runsTheJarWithTheLaunchDefaults() throws Exception {
        Run run = launch("-XX:+PrintFlagsFinal");
        assertEquals(0, run.exit(), run.output());
        assertTrue(run.output().lines().anyMatch(line -> line.startsWith("speicherd ")), run.output());
        assertEquals("10", run.flag("MaxGCPauseMillis"));
        assertEquals("true", run.flag("ExitOnOutOfMemoryError"));
        assertEquals("6000", run.flag("InlineSmallCode"));
        // not a default, whatever the kernel offers: they lengthen the young pauses (README)
        assertEquals("false", run.flag("UseTransparentHugePages"));
    }

    @Test
    void javaOptionsComeAfterTheDefaultsAndWin() throws Exception {
        Run run = launch("-XX:MaxGCPauseMillis=50 -XX:+UseSerialGC -XX:+PrintFlagsFinal");
        assertEquals(0, run.exit(), run.output());
        assertEquals("50", run.flag("MaxGCPauseMillis"));
        assertEquals("true", run.flag("UseSerialGC"));
        assertEquals("false", run.flag("UseG1GC"));
    }
}
