package dev.speicherd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LaunchHeapTest {

    private static Optional<String> option(Map<String, String> env, String... args) {
        return LaunchHeap.option(args, env);
    }

    @Test
    void theDefaultsGetTheRulesHeap() {
        // 1.5 x 64 MiB + 64 MiB of client memory + 1,024 connections x 52 KiB
        assertEquals(Optional.of("-Xmx212m"), option(Map.of()));
    }

    @Test
    void theLimitsComeFromFlagsOrTheEnvironmentAsTheServerReadsThem() {
        // 384 + 64 + 4,096 x 52 KiB (208 MiB)
        assertEquals(Optional.of("-Xmx656m"), option(Map.of(), "-m", "256", "-c", "4096"));
        assertEquals(Optional.of("-Xmx656m"),
                option(Map.of("SPEICHERD_MEMORY_LIMIT", "256m", "SPEICHERD_MAX_CONNECTIONS", "4096")));
        // 1,536 + 128 + 1,023 x 52 KiB: 1,715.9 MiB, rounded up
        assertEquals(Optional.of("-Xmx1716m"), option(Map.of("SPEICHERD_MEMORY_LIMIT", "256m"),
                "--memory-limit=1g", "--client-memory", "128m", "-c", "1023"));
    }

    @Test
    void noItemLimitLeavesTheJvmsDefault() {
        assertEquals(Optional.empty(), option(Map.of(), "-m", "0"));
        assertEquals(Optional.of("-Xmx212m"), option(Map.of(), "--engine", "log"));
        assertEquals(Optional.of("-Xmx212m"), option(Map.of(), "--engine", "log", "--fsync", "always"),
                "fsync always is served by the event loops too, within the client memory");
    }

    @Test
    void nothingToServeOrAUsageErrorAsksForNoHeap() {
        assertEquals(Optional.empty(), option(Map.of(), "--version"));
        assertEquals(Optional.empty(), option(Map.of(), "--help"));
        assertEquals(Optional.empty(), option(Map.of(), "-m", "lots"));
        assertEquals(Optional.empty(), option(Map.of(), "--no-such-flag"));
    }
}
