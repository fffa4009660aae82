package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Item;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * Not a test: measures how fast a log replays and how fsync=always scales with writers. Run by
 * hand, with the test classpath:
 *
 * <pre>
 * java -cp kv-api/target/classes:kv-storage/target/classes:kv-storage/target/test-classes \
 *     dev.speicherd.storage.LogReplayBenchmark [items] [value bytes]
 * </pre>
 */
public final class LogReplayBenchmark {

    private static final int DEFAULT_ITEMS = 1_000_000;
    private static final int DEFAULT_VALUE_BYTES = 100;
    private static final int OVERWRITES = 2;
    private static final int[] WRITER_COUNTS = {1, 8, 64};
    private static final int ALWAYS_WRITES = 20_000;

    private LogReplayBenchmark() {}

    /**
     * Runs the measurements.
     *
     * @param args optional item count and value size
     * @throws Exception if anything fails
     */
    public static void main(String[] args) throws Exception {
        int items = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_ITEMS;
        int valueBytes = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_VALUE_BYTES;
        Path dir = Files.createTempDirectory("speicherd-bench");
        try {
            replay(dir.resolve("replay"), items, valueBytes);
            for (int writers : WRITER_COUNTS) {
                always(dir.resolve("always-" + writers), writers, valueBytes);
            }
        } finally {
            try (Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static void replay(Path dir, int items, int valueBytes) throws IOException {
        LogStore.Options options = LogStore.Options.defaults().withFsync(LogStore.Fsync.NO);
        byte[] value = new byte[valueBytes];
        long started = System.nanoTime();
        try (LogStore store = LogStore.open(dir, Clock.system(), options)) {
            for (int round = 0; round < OVERWRITES; round++) {
                for (int i = 0; i < items; i++) {
                    store.set(("key:" + i).getBytes(StandardCharsets.UTF_8), value, round, Item.NEVER);
                }
            }
        }
        long writeMillis = (System.nanoTime() - started) / 1_000_000;
        System.out.printf("wrote %,d records (fsync=no) in %,d ms: %,d records/s%n",
                (long) items * OVERWRITES, writeMillis, (long) items * OVERWRITES * 1000 / Math.max(1, writeMillis));
        try (LogStore store = LogStore.open(dir, Clock.system(), options)) {
            LogStore.Replay replay = store.replay();
            System.out.printf("replayed %,d records, %,d items (%,d bytes) in %,d ms: %,d records/s, %,d MB/s%n",
                    replay.records(), replay.items(), replay.bytes(), replay.millis(),
                    replay.records() * 1000 / Math.max(1, replay.millis()),
                    replay.bytes() / 1000 / Math.max(1, replay.millis()));
            Compactor.Outcome outcome = store.compactNow();
            System.out.printf("compacted %,d to %,d bytes (%,d items) in %,d ms%n",
                    outcome.bytesBefore(), outcome.bytesAfter(), outcome.items(), outcome.millis());
        }
    }

    private static void always(Path dir, int writers, int valueBytes) throws Exception {
        LogStore.Options options = LogStore.Options.defaults().withFsync(LogStore.Fsync.ALWAYS);
        byte[] value = new byte[valueBytes];
        try (LogStore store = LogStore.open(dir, Clock.system(), options);
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            int perWriter = ALWAYS_WRITES / writers;
            long started = System.nanoTime();
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                futures.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        store.set(("w" + writer + ":" + i).getBytes(StandardCharsets.UTF_8), value, 0, Item.NEVER);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            long millis = Math.max(1, (System.nanoTime() - started) / 1_000_000);
            long writes = (long) perWriter * writers;
            System.out.printf("fsync=always, %d writers: %,d writes in %,d ms, %,d writes/s, %,d fsyncs (%.1f writes per fsync)%n",
                    writers, writes, millis, writes * 1000 / millis, store.writer().syncCount(),
                    (double) writes / store.writer().syncCount());
        }
    }
}
