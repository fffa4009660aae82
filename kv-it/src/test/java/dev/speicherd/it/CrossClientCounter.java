package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import net.rubyeye.xmemcached.MemcachedClient;

/**
 * Many threads through spymemcached and xmemcached at once, in whichever protocol the clients
 * were built for: each writes keys the other client must read back, and all of them count one
 * counter, which must end at exactly the number of increments.
 */
final class CrossClientCounter {

    private CrossClientCounter() {}

    /** Runs the check and shuts both clients down. */
    static void run(net.spy.memcached.MemcachedClient spy, MemcachedClient x, String prefix, int threads,
            int opsPerThread) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
        String counter = prefix + "counter";
        try {
            assertTrue(spy.set(counter, 0, "0").get());
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    try {
                        for (int i = 0; i < opsPerThread; i++) {
                            String key = prefix + thread + ":" + i;
                            if (thread % 2 == 0) {
                                spy.set(key, 0, "s" + i).get();
                                if (!("s" + i).equals(x.get(key))) {
                                    errors.add("xmemcached did not see " + key);
                                }
                                spy.incr(counter, 1);
                            } else {
                                x.set(key, 0, "x" + i);
                                if (!("x" + i).equals(spy.get(key))) {
                                    errors.add("spymemcached did not see " + key);
                                }
                                x.incr(counter, 1);
                            }
                        }
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertEquals(List.of(), List.copyOf(errors));
            assertEquals(String.valueOf(threads * opsPerThread), spy.get(counter));
        } finally {
            pool.shutdownNow();
            spy.shutdown(5, TimeUnit.SECONDS);
            x.shutdown();
        }
    }
}
