package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/speicherd}, the launcher the README starts the server with: it runs the jar with the
 * JVM launch defaults the README lists, and {@code SPEICHERD_JAVA_OPTS} comes after them and wins,
 * down to the collector (a default naming G1 would make another collector refuse to start); and
 * it sizes the heap from what the server may hold, unless the JVM options size it.
 */
class LauncherIT {

    private record Run(int exit, String output) {
        /** The final value of a JVM flag, from {@code -XX:+PrintFlagsFinal}'s table. */
        String flag(String name) {
            Matcher m = Pattern.compile("\\s" + name + "\\s+=\\s+(\\S+)").matcher(output);
            assertTrue(m.find(), name + " not in:\n" + output);
            return m.group(1);
        }
    }

    private static Run launch(String javaOptions) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(ServerProcess.LAUNCHER.toString(), "--version").redirectErrorStream(true);
        builder.environment().putAll(ServerProcess.launcherEnvironment(Map.of("SPEICHERD_JAVA_OPTS", javaOptions)));
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

    /** The heap the server's JVM may grow to, as its start line says. */
    private static long heapMiB(ServerProcess server) {
        Matcher m = Pattern.compile("; heap up to (\\d+) MiB;").matcher(server.stderrText());
        assertTrue(m.find(), server.stderrText());
        return Long.parseLong(m.group(1));
    }

    @Test
    void theHeapIsSizedFromTheMemoryLimitTheClientMemoryAndTheConnections() throws Exception {
        // 1.5 x 100 MiB + 64 MiB + 1,024 connections x 52 KiB
        try (ServerProcess server = ServerProcess.launch(Map.of(), "-m", "100")) {
            assertEquals(150 + 64 + 52, heapMiB(server));
            assertFalse(server.stderrText().contains("needs a heap"), server.stderrText());
        }
        // the limit from the environment, as the server reads it: 384 + 64 + 4,096 x 52 KiB
        try (ServerProcess server = ServerProcess.launch(Map.of("SPEICHERD_MEMORY_LIMIT", "256m"), "-c", "4096")) {
            assertEquals(384 + 64 + 208, heapMiB(server));
        }
    }

    @Test
    void aHeapTheOperatorSizesIsLeftAlone() throws Exception {
        try (ServerProcess server = ServerProcess.launch(Map.of("SPEICHERD_JAVA_OPTS", "-Xmx300m"), "-m", "100")) {
            assertEquals(300, heapMiB(server));
        }
        // options the JVM reads before the command line's would lose to a -Xmx there
        try (ServerProcess server = ServerProcess.launch(Map.of("JAVA_TOOL_OPTIONS", "-Xmx320m"), "-m", "100")) {
            assertEquals(320, heapMiB(server));
        }
        // a least heap over the rule's would contradict a -Xmx from the rule: the JVM would not start
        try (ServerProcess server = ServerProcess.launch(Map.of("SPEICHERD_JAVA_OPTS", "-Xms300m"), "-m", "100")) {
            assertTrue(heapMiB(server) >= 300, server.stderrText());
        }
    }

    @Test
    void noItemLimitLeavesTheJvmsDefault() throws Exception {
        try (ServerProcess server = ServerProcess.launch(Map.of(), "-m", "0")) {
            assertEquals(Runtime.getRuntime().maxMemory() >> 20, heapMiB(server),
                    "the same default as this JVM's, on the same machine with the same collector");
        }
    }
}
