package dev.speicherd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerStatsTest {

    private final ServerStats stats = new ServerStats(0);

    @Test
    void sumsOpenAndClosedConnectionsAndKeepsWhatClosedOnesCounted() {
        ConnectionStats a = stats.open();
        ConnectionStats b = stats.open();
        a.cmdGet.increment();
        b.cmdGet.add(2);
        b.bytesRead.add(100);
        assertEquals(3, stats.sum(c -> c.cmdGet));
        stats.close(b);
        stats.close(b); // closing twice carries nothing over twice
        assertEquals(3, stats.sum(c -> c.cmdGet));
        assertEquals(100, stats.sum(c -> c.bytesRead));
        a.cmdGet.increment();
        assertEquals(4, stats.sum(c -> c.cmdGet));
    }

    @Test
    void resetStartsEveryCounterAgainFromZero() {
        ConnectionStats a = stats.open();
        a.cmdSet.add(5);
        stats.totalConnections.add(3);
        stats.reset();
        assertEquals(0, stats.sum(c -> c.cmdSet));
        assertEquals(0, stats.totalConnections.sum());
        a.cmdSet.increment();
        stats.close(a);
        assertEquals(1, stats.sum(c -> c.cmdSet));
    }

    @Test
    void countsFromManyConnectionThreadsAddUp() throws InterruptedException {
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                ConnectionStats own = stats.open();
                for (int i = 0; i < 10_000; i++) {
                    own.cmdGet.increment();
                }
                stats.close(own);
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(80_000, stats.sum(c -> c.cmdGet));
    }
}
