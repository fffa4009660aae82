package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Item;
import dev.speicherd.api.Store;
import dev.speicherd.api.WriteMode;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Not a test: fills a {@link MemoryStore} past its memory limit with new keys, as a cache under
 * memaslap does, and prints after each batch of sets how fast they went and the shape of the
 * table (mean displacement of a key from its home, longest run): whether eviction at the limit
 * keeps lookups short. Run by hand, with the test classpath:
 *
 * <pre>
 * java -Xmx8g -cp kv-api/target/classes:kv-storage/target/classes:kv-storage/target/test-classes \
 *     dev.speicherd.storage.EvictionChurnBenchmark [limit MiB] [batches of 200,000 sets]
 * </pre>
 */
public final class EvictionChurnBenchmark {

    private static final int BATCH = 200_000;

    private EvictionChurnBenchmark() {}

    public static void main(String[] args) {
        long limitMib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 40;
        MemoryStore store = new MemoryStore(Clock.system(), limitMib << 20);
        SplittableRandom random = new SplittableRandom(1);
        byte[] value = new byte[100];
        System.out.printf("limit %d MiB, 32-byte keys, 100-byte values, batches of %,d new keys%n", limitMib, BATCH);
        for (int batch = 1; batch <= batches; batch++) {
            long start = System.nanoTime();
            for (int i = 0; i < BATCH; i++) {
                byte[] key = String.format("key:%028d", random.nextLong(1L << 60)).getBytes(StandardCharsets.US_ASCII);
                store.write(WriteMode.SET, key, value, 0, Item.NEVER, Store.ANY_CAS);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            SlotTable.Shape shape = store.tableShape();
            System.out.printf("batch %2d: %,9.0f sets/s  items %,d  evictions %,d  fill %.2f  mean displacement %.2f"
                            + "  longest run %,d%n",
                    batch, BATCH / seconds, shape.live(), store.stats().evictions(), shape.fill(),
                    shape.meanDisplacement(), shape.longestRun());
        }
    }
}
