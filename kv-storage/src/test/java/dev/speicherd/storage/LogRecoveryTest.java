package dev.speicherd.storage;

import static dev.speicherd.storage.StoreContractTest.b;
import static dev.speicherd.storage.StoreContractTest.hit;
import static dev.speicherd.storage.StoreContractTest.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.speicherd.api.CounterResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.Store;
import dev.speicherd.api.WriteMode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery from damage, as Kafka's {@code LogSegmentTest.testRecoveryWithCorruptMessage} tests
 * it: damage the file from some offset on, reopen, and check that exactly the records before
 * the damage survive, compared with the state the store had right after writing them.
 */
final class LogRecoveryTest {

    private static final int ITERATIONS = 50;
    private static final int MIN_CHANGES = 20;
    private static final int MAX_CHANGES = 80;
    private static final List<String> KEYS = IntStream.range(0, 10).mapToObj(i -> "key" + i).toList();
    private static final List<String> KEYS_AND_AFTER = IntStream.range(0, 11)
            .mapToObj(i -> i < 10 ? "key" + i : "after").toList();

    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock();

    private LogStore open(Path directory) throws IOException {
        return LogStore.open(directory, clock, LogStore.Options.defaults().withFsync(LogStore.Fsync.NO));
    }

    private LogStore open(Path directory, boolean repair) throws IOException {
        return LogStore.open(directory, clock,
                LogStore.Options.defaults().withFsync(LogStore.Fsync.NO).withRepair(repair));
    }

    /** The state after a change, and where the log ended then. */
    private record Point(long logBytes, Map<String, Lookup> state) {}

    /** Makes one random change to one of {@link #KEYS}. */
    private void randomChange(Store store, Random random) {
        byte[] key = b(KEYS.get(random.nextInt(KEYS.size())));
        long expiry = random.nextBoolean() ? Item.NEVER : clock.millis() + 1_000_000 + random.nextInt(1_000);
        switch (random.nextInt(9)) {
            case 0, 1, 2 -> {
                byte[] value = new byte[random.nextInt(200)];
                random.nextBytes(value);
                store.set(key, value, random.nextInt(), expiry);
            }
            case 3 -> store.write(WriteMode.APPEND, key, b("+" + random.nextInt(100)), 0, Item.NEVER, Store.ANY_CAS);
            case 4 -> store.delete(key, Store.ANY_CAS);
            case 5 -> store.adjust(key, random.nextInt(10), random.nextBoolean(),
                    new CounterResult.Vivify(random.nextInt(100), expiry));
            case 6 -> store.touch(key, expiry);
            case 7 -> store.write(WriteMode.ADD, key, b("added"), 1, expiry, Store.ANY_CAS);
            default -> {
                if (random.nextInt(5) == 0) {
                    store.flushAll(clock.millis());
                } else {
                    store.set(key, b(String.valueOf(random.nextInt(1000))), 0, Item.NEVER);
                }
            }
        }
    }

    /** Writes random changes to a fresh store in {@code directory}, noting the state after each. */
    private List<Point> writeRandomLog(Path directory, Random random) throws IOException {
        List<Point> points = new ArrayList<>();
        try (LogStore store = open(directory)) {
            points.add(new Point(store.logBytes(), Snapshots.of(store, KEYS)));
            int changes = MIN_CHANGES + random.nextInt(MAX_CHANGES - MIN_CHANGES);
            for (int i = 0; i < changes; i++) {
                randomChange(store, random);
                points.add(new Point(store.logBytes(), Snapshots.of(store, KEYS)));
            }
        }
        return points;
    }

    /** The last point whose records all lie before {@code offset}. */
    private static Point lastBefore(List<Point> points, long offset) {
        Point last = points.get(0);
        for (Point point : points) {
            if (point.logBytes() <= offset) {
                last = point;
            }
        }
        return last;
    }

    @Test
    void aDamagedTailLosesExactlyTheRecordsFromTheDamageOn() throws IOException {
        long seed = new Random().nextLong();
        Random random = new Random(seed);
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            String where = "seed " + seed + ", iteration " + iteration;
            Path directory = dir.resolve("run" + iteration);
            List<Point> points = writeRandomLog(directory, random);
            Path file = directory.resolve(LogStore.LOG_FILE_NAME);
            long size = Files.size(file);
            assertEquals(points.get(points.size() - 1).logBytes(), size, where);
            boolean garbage = random.nextBoolean();
            long damageAt;
            long expectedDropped;
            Point expected;
            if (garbage) {
                damageAt = LogFormat.HEADER_BYTES + (long) random.nextInt((int) (size - LogFormat.HEADER_BYTES));
                overwriteWithGarbage(file, damageAt, random);
                expected = lastBefore(points, damageAt);
                expectedDropped = size - expected.logBytes();
            } else {
                damageAt = LogFormat.HEADER_BYTES + (long) random.nextInt((int) (size - LogFormat.HEADER_BYTES) + 1);
                try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                    raf.setLength(damageAt);
                }
                expected = lastBefore(points, damageAt);
                expectedDropped = damageAt - expected.logBytes();
            }
            where += (garbage ? ", garbage" : ", cut") + " from offset " + damageAt + " of " + size;
            try (LogStore reopened = open(directory)) {
                assertEquals(expected.state(), Snapshots.of(reopened, KEYS), where);
                assertEquals(expectedDropped, reopened.replay().truncatedBytes(), where);
                assertEquals(expected.logBytes(), Files.size(file), where);
                reopened.set(b("after"), b("the damage"), 0, Item.NEVER);
                reopened.write(WriteMode.APPEND, b("key0"), b("!"), 0, Item.NEVER, Store.ANY_CAS);
            }
            Map<String, Lookup> afterWrites;
            try (LogStore again = open(directory)) {
                assertEquals(0, again.replay().truncatedBytes(), where);
                assertEquals("the damage", text(hit(again.get(b("after")))), where);
                afterWrites = Snapshots.of(again, KEYS_AND_AFTER);
            }
            try (LogStore third = open(directory)) {
                assertEquals(afterWrites, Snapshots.of(third, KEYS_AND_AFTER), where);
            }
        }
    }

    /** Overwrites from {@code offset} to the end with random bytes, the first surely changed. */
    private static void overwriteWithGarbage(Path file, long offset, Random random) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] garbage = new byte[(int) (raf.length() - offset)];
            random.nextBytes(garbage);
            raf.seek(offset);
            int first = raf.read();
            garbage[0] = (byte) (first ^ (1 + random.nextInt(255)));
            raf.seek(offset);
            raf.write(garbage);
        }
    }

    /** Writes {@code count} sets of distinct keys, returning the log length before each and at the end. */
    private List<Long> writeSets(Path directory, int count) throws IOException {
        List<Long> offsets = new ArrayList<>();
        try (LogStore store = open(directory)) {
            for (int i = 0; i < count; i++) {
                offsets.add(store.logBytes());
                store.set(b("k" + i), b("value " + i), i, Item.NEVER);
            }
            offsets.add(store.logBytes());
        }
        return offsets;
    }

    private static void flipByte(Path file, long offset) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offset);
            int b = raf.read();
            raf.seek(offset);
            raf.write(b ^ 0x40);
        }
    }

    @Test
    void damageInTheMiddleIsRefusedWithTheFileAndOffsetUnlessRepairing() throws IOException {
        List<Long> offsets = writeSets(dir, 20);
        Path file = dir.resolve(LogStore.LOG_FILE_NAME);
        long size = Files.size(file);
        long third = offsets.get(3);
        flipByte(file, third + LogFormat.FRAME_BYTES + 10);

        IOException refused = assertThrows(IOException.class, () -> open(dir, false));
        assertTrue(refused.getMessage().contains(file.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("offset " + third), refused.getMessage());
        assertTrue(refused.getMessage().contains("repair"), refused.getMessage());
        assertEquals(size, Files.size(file), "a refused open leaves the file alone");

        try (LogStore repaired = open(dir, true)) {
            for (int i = 0; i < 20; i++) {
                Lookup lookup = repaired.get(b("k" + i));
                if (i < 3) {
                    assertEquals("value " + i, text(hit(lookup)));
                } else {
                    assertEquals(Lookup.MISS, lookup, "k" + i);
                }
            }
            assertEquals(size - third, repaired.replay().truncatedBytes());
            assertEquals(3, repaired.replay().records());
        }
        assertEquals(third, Files.size(file));
        try (LogStore again = open(dir, false)) {
            assertEquals(3, again.stats().currItems());
        }
    }

    @Test
    void anOverlongLengthInTheMiddleIsDamageAndIsNeverAllocated() throws IOException {
        List<Long> offsets = writeSets(dir, 5);
        Path file = dir.resolve(LogStore.LOG_FILE_NAME);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offsets.get(1) + Integer.BYTES);
            raf.writeInt(Integer.MAX_VALUE);
        }
        IOException refused = assertThrows(IOException.class, () -> open(dir, false));
        assertTrue(refused.getMessage().contains("offset " + offsets.get(1)), refused.getMessage());
        assertTrue(refused.getMessage().contains("over the limit"), refused.getMessage());
    }

    @Test
    void aTornRecordAtTheEndIsCutOff() throws IOException {
        List<Long> offsets = writeSets(dir, 5);
        Path file = dir.resolve(LogStore.LOG_FILE_NAME);
        long lastStart = offsets.get(4);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(lastStart + 3); // a crash three bytes into the last record
        }
        try (LogStore store = open(dir)) {
            assertEquals(4, store.stats().currItems());
            assertEquals(3, store.replay().truncatedBytes());
        }
        assertEquals(lastStart, Files.size(file));
    }

    @Test
    void zerosAtTheEndAreATornTail() throws IOException {
        List<Long> offsets = writeSets(dir, 5);
        Path file = dir.resolve(LogStore.LOG_FILE_NAME);
        long end = offsets.get(5);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(end + 4096); // a file system that grew the file before the data landed
        }
        try (LogStore store = open(dir)) {
            assertEquals(5, store.stats().currItems());
            assertEquals(4096, store.replay().truncatedBytes());
        }
    }

    @Test
    void aLengthRunningPastTheEndOfTheFileIsATornTail() throws IOException {
        List<Long> offsets = writeSets(dir, 3);
        Path file = dir.resolve(LogStore.LOG_FILE_NAME);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(offsets.get(3));
            raf.writeInt(0x12345678);
            raf.writeInt(1 << 29); // under the limit, but far more than the file holds
            raf.write(new byte[] {LogFormat.PUT, 0, 0});
        }
        try (LogStore store = open(dir)) {
            assertEquals(3, store.stats().currItems());
            assertEquals(11, store.replay().truncatedBytes());
        }
    }

    @Test
    void aFileThatIsNotALogIsRefused() throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(LogStore.LOG_FILE_NAME);
        Files.write(file, "NOTALOG!and some more bytes".getBytes(StandardCharsets.US_ASCII));
        IOException e = assertThrows(IOException.class, () -> open(dir));
        assertTrue(e.getMessage().contains("not a speicherd log"), e.getMessage());
        Files.write(file, "hello".getBytes(StandardCharsets.US_ASCII));
        e = assertThrows(IOException.class, () -> open(dir));
        assertTrue(e.getMessage().contains("not the start of a speicherd log"), e.getMessage());
    }

    @Test
    void anotherFormatVersionIsRefused() throws IOException {
        Files.write(dir.resolve(LogStore.LOG_FILE_NAME),
                ByteBuffer.allocate(LogFormat.HEADER_BYTES).put(LogFormat.MAGIC).putInt(99).array());
        IOException e = assertThrows(IOException.class, () -> open(dir));
        assertTrue(e.getMessage().contains("version 99"), e.getMessage());
    }

    @Test
    void aTornHeaderIsWrittenAgain() throws IOException {
        Files.write(dir.resolve(LogStore.LOG_FILE_NAME), java.util.Arrays.copyOf(LogFormat.header(), 5));
        try (LogStore store = open(dir)) {
            store.set(b("k"), b("v"), 0, Item.NEVER);
        }
        try (LogStore store = open(dir)) {
            assertEquals("v", text(hit(store.get(b("k")))));
        }
    }

    @Test
    void aRefusedOpenLeavesTheDirectoryUnlocked() throws IOException {
        Files.write(dir.resolve(LogStore.LOG_FILE_NAME), "NOTALOG!xxxxxxxx".getBytes(StandardCharsets.US_ASCII));
        assertThrows(IOException.class, () -> open(dir));
        Files.delete(dir.resolve(LogStore.LOG_FILE_NAME));
        try (LogStore store = open(dir)) {
            assertFalse(store.replay().records() > 0);
        }
    }
}
