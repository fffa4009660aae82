package dev.speicherd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ClientMemoryTest {

    @Test
    void aNewShareFitsUpToHalfTheLimitExactlyAndNotOneByteMore() {
        ClientMemory memory = new ClientMemory(2000);
        assertTrue(memory.tryTake(600, false));
        assertFalse(memory.tryTake(401, false), "one byte past half the limit");
        assertEquals(600, memory.used(), "a refusal takes nothing");
        assertTrue(memory.tryTake(400, false));
        assertEquals(1000, memory.used());
        memory.give(1000);
        assertEquals(0, memory.used());
    }

    @Test
    void aBufferThatHoldsAShareMayGrowToTheLimitAndNoFurther() {
        ClientMemory memory = new ClientMemory(2000);
        assertTrue(memory.tryTake(1000, false));
        assertFalse(memory.tryTake(1, false), "a new share waits");
        assertTrue(memory.tryTake(1000, true), "a held share grows up to the limit");
        assertFalse(memory.tryTake(1, true), "and not one byte past it");
        assertEquals(2000, memory.used());
    }

    @Test
    void couldTakeSaysWhatTryTakeWouldDoAndTakesNothing() {
        ClientMemory memory = new ClientMemory(2000);
        assertTrue(memory.tryTake(600, false));
        assertTrue(memory.couldTake(400, false));
        assertFalse(memory.couldTake(401, false), "one byte past half the limit");
        assertTrue(memory.couldTake(1400, true));
        assertFalse(memory.couldTake(1401, true), "one byte past the limit");
        assertEquals(600, memory.used(), "asking takes nothing");
        assertFalse(memory.tryTake(401, false));
        assertTrue(memory.tryTake(400, false));
    }

    @Test
    void theLeastIsTwiceTheLargestFrameOrTheLongestLine() {
        assertEquals(2L * ((1 << 20) + ServerConfig.FRAME_HEADROOM_BYTES), ClientMemory.minimum(1 << 20));
        assertEquals(2L * LoopInput.LINE_GROWTH_BYTES, ClientMemory.minimum(1024), "small items: the line decides");
        assertThrows(IllegalArgumentException.class, () -> new ClientMemory(0));
    }

    @Test
    void itsUseIsTheGaugeItWasGivenWhichStatsReports() {
        ServerStats stats = new ServerStats(0);
        ClientMemory memory = new ClientMemory(1000, stats.clientMemoryBytes);
        assertTrue(memory.tryTake(300, false));
        assertEquals(300, stats.clientMemoryBytes.get());
        memory.give(300);
        assertEquals(0, stats.clientMemoryBytes.get());
    }
}
