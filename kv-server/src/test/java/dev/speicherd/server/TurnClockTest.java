package dev.speicherd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The server's clock: a loop's thread sees the time its turn began, for the whole turn, and the
 * next turn's time after; every other thread sees the system clock.
 */
final class TurnClockTest {

    private static final long PAUSE_MILLIS = 30;

    private final TurnClock clock = new TurnClock();

    @Test
    void aLoopThreadSeesItsTurnsBeginningUntilTheNextTurn() throws Exception {
        AtomicReference<long[]> seen = new AtomicReference<>();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        TurnClock.LoopThread loop = new TurnClock.LoopThread(() -> {
            try {
                TurnClock.LoopThread self = (TurnClock.LoopThread) Thread.currentThread();
                long before = System.currentTimeMillis();
                self.beginTurn();
                long atBegin = clock.millis();
                Thread.sleep(PAUSE_MILLIS);
                long later = clock.millis();
                self.beginTurn();
                long next = clock.millis();
                long after = System.currentTimeMillis();
                seen.set(new long[] {before, atBegin, later, next, after});
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "turn-clock-test");
        loop.start();
        loop.join();
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
        long[] t = seen.get();
        assertTrue(t[0] <= t[1], "the turn's time is read when it begins");
        assertEquals(t[1], t[2], "the clock stands still within a turn");
        assertTrue(t[3] - t[1] >= PAUSE_MILLIS, "the next turn reads the clock again: " + (t[3] - t[1]) + " ms later");
        assertTrue(t[3] <= t[4]);
    }

    @Test
    void everyOtherThreadSeesTheSystemClock() throws Exception {
        long before = System.currentTimeMillis();
        long first = clock.millis();
        Thread.sleep(PAUSE_MILLIS);
        long second = clock.millis();
        long after = System.currentTimeMillis();
        assertTrue(before <= first && second <= after);
        assertTrue(second - first >= PAUSE_MILLIS, "the clock moves between reads: " + (second - first) + " ms");
        long[] onVirtual = new long[1];
        Thread.ofVirtual().start(() -> onVirtual[0] = clock.millis()).join();
        assertTrue(onVirtual[0] >= second && onVirtual[0] <= System.currentTimeMillis());
    }
}
