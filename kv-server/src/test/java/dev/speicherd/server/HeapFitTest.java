package dev.speicherd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class HeapFitTest {

    private static final long MIB = 1 << 20;

    @Test
    void aHeapOfOneAndAHalfTimesTheLimitFitsAndOneByteLessDoesNot() {
        assertEquals(Optional.empty(), HeapFit.warning(64 * MIB, 96 * MIB));
        String warning = HeapFit.warning(64 * MIB, 96 * MIB - 1).orElseThrow();
        assertTrue(warning.startsWith("memory limit 64 MiB needs a heap of at least 96 MiB, and the JVM's can grow to 95 MiB"),
                warning);
        assertTrue(warning.contains("raise -Xmx (SPEICHERD_JAVA_OPTS) or lower the limit"), warning);
    }

    @Test
    void noLimitAsksForNoHeap() {
        assertEquals(Optional.empty(), HeapFit.warning(0, 1));
    }

    @Test
    void aLimitOverTheWholeHeapIsWarnedOf() {
        assertTrue(HeapFit.warning(1024 * MIB, 512 * MIB).orElseThrow().contains("at least 1536 MiB"));
    }
}
