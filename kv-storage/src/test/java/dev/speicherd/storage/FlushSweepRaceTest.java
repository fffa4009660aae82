package dev.speicherd.storage;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.Store;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Flushing and writing the same keys again while the background sweep removes the flushed
 * items: a key written after the flush must stay, however the sweep interleaves.
 */
final class FlushSweepRaceTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aKeyWrittenAfterAFlushSurvivesTheSweepOfItsFlushedPredecessor() {
        try (MemoryStore store = new MemoryStore(Clock.system(), 0, Duration.ofMillis(1))) {
            for (int round = 0; round < 3000; round++) {
                store.flushAll(System.currentTimeMillis());
                for (int i = 0; i < 200; i++) {
                    store.set(b("nr" + i), b("x"), 0, Item.NEVER);
                }
                store.delete(b("nr0"), Store.ANY_CAS);
                for (int i = 1; i < 200; i++) {
                    assertInstanceOf(Lookup.Hit.class, store.get(b("nr" + i)), "round " + round + ", key nr" + i);
                }
            }
        }
    }
}
