package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import dev.speicherd.api.CounterResult;
import dev.speicherd.api.DeleteResult;
import dev.speicherd.api.ItemReader;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.StorageException;
import dev.speicherd.api.Store;
import dev.speicherd.api.StoreStats;
import dev.speicherd.api.WriteMode;
import dev.speicherd.api.WriteResult;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The durable engine: every item in memory, as in {@link MemoryStore}, and every change
 * appended to a log file before it is acknowledged; on open, the log is replayed.
 *
 * <p><b>How.</b> The items live in a {@link MemoryStore} whose {@link Journal} is a {@link
 * LogWriter}: each change is written to the log from inside the change's atomic section, so the
 * records of one key are in the order memory saw, and a change the log cannot take fails with
 * {@link StorageException} and leaves memory as it was. Evictions under the memory limit are
 * logged as removals (as Redis propagates them as {@code DEL}), so a replay gives what memory
 * held. Reads never touch the file. How long an acknowledged change takes to become durable is
 * the {@link Fsync} policy's business; see {@link LogWriter}.
 *
 * <p><b>The file.</b> {@value #LOG_FILE_NAME} in the data directory, in this grammar (numbers
 * big-endian, {@code int} 4 bytes, {@code long} 8):
 *
 * <pre>
 * log       = header record*
 * header    = magic version
 * magic     = "SPEICHLG"                     ; 8 ASCII bytes
 * version   = int                            ; 1
 * record    = crc32c length payload
 * crc32c    = int                            ; CRC-32C of length and payload
 * length    = int                            ; bytes of payload, 1 .. the maximum record size
 * payload   = put | remove | flush | casfloor
 * put       = %x01 keylength key flags expiresat cas writtenat valuelength value
 * remove    = %x02 keylength key
 * flush     = %x03 writtenbefore pendingat casupto
 * casfloor  = %x04 cas
 * keylength = int, valuelength = int         ; byte counts of key, value
 * flags     = int                            ; the client's 32 opaque bits
 * expiresat = long                           ; absolute epoch millis, 0 for never
 * cas       = long                           ; the item's token
 * writtenat = long                           ; epoch millis of the write, for delayed flushes
 * writtenbefore = long, pendingat = long, casupto = long   ; the whole flush schedule
 * </pre>
 *
 * <p>A put whose expiry has passed means "nothing under the key", so a replay revives no
 * expired item. A flush record holds the whole schedule in force, and the last one wins. A
 * compacted log starts with a {@code casfloor}, so that tokens keep growing across restarts.
 *
 * <p><b>Recovery</b> replays the sound records and treats the first bad one as a torn tail or
 * as damage in the middle; see {@link LogRecovery}. <b>Compaction</b> rewrites the log from
 * the live items in the background once it is {@link Options#compactMultiple()} times the live
 * bytes and at least {@link Options#compactMinBytes()}; see {@link Compactor}.
 *
 * <p>Thread-safe, as {@link Store} requires. The data directory holds a lock, so that only one
 * store at a time uses it.
 */
public final class LogStore implements Store {

    /** The log's file name in the data directory. */
    public static final String LOG_FILE_NAME = "speicherd.log";
    /** The file in the data directory that is locked while a store uses it. */
    public static final String LOCK_FILE_NAME = "speicherd.lock";
    /**
     * The largest record payload by default: the largest item speicherd accepts (1 GiB) with
     * room for its key and fields. A record length above the limit is damage, never allocated.
     */
    public static final int DEFAULT_MAX_RECORD_BYTES = (1 << 30) + (1 << 20);
    /** By default the log is compacted once it is this many times the live bytes... */
    public static final int DEFAULT_COMPACT_MULTIPLE = 2;
    /** ...and at least this long, so that a small log is not rewritten again and again. */
    public static final long DEFAULT_COMPACT_MIN_BYTES = 64L << 20;
    /** After a failed background compaction, the next one waits this long. */
    static final Duration COMPACTION_RETRY_DELAY = Duration.ofSeconds(30);
    /** The most compactions in a row one trigger runs, while the log stays due. */
    static final int MAX_BACKGROUND_ROUNDS = 3;
    /** How long {@link #close} waits for a compaction under way to give up. */
    private static final Duration COMPACTION_STOP_WAIT = Duration.ofSeconds(30);

    private static final System.Logger LOG = System.getLogger(LogStore.class.getName());

    /** When an acknowledged change is on disk. */
    public enum Fsync {
        /** Before the call that made it returns; concurrent writers share fsyncs. */
        ALWAYS,
        /**
         * Before the {@link LogStore#sync} that the thread which made it calls next returns: a
         * caller that answers many requests at a time syncs once for all their changes, then
         * acknowledges them. Concurrent callers share fsyncs. A change whose thread never syncs
         * is synced at close, as under {@link #NO}.
         */
        BATCH,
        /** Within about a second: a background thread syncs once a second. */
        EVERYSEC,
        /** When the operating system decides, and at close. */
        NO
    }

    /**
     * How to open a log store.
     *
     * @param fsync when changes are synced
     * @param memoryLimitBytes the memory limit, as for {@link MemoryStore}; 0 for none
     * @param repair whether to open a log damaged in the middle by dropping everything from the
     *     damage on, rather than refusing to open it
     * @param compactMinBytes the shortest log that is compacted
     * @param compactMultiple how many times the live bytes the log may grow to before it is
     *     compacted
     * @param maxRecordBytes the largest record payload; a change that needs a larger record is
     *     refused, and a larger length in the file is damage
     */
    public record Options(
            Fsync fsync, long memoryLimitBytes, boolean repair, long compactMinBytes, int compactMultiple,
            int maxRecordBytes) {

        /**
         * Checks the options.
         *
         * @throws IllegalArgumentException if a number is out of range
         * @throws NullPointerException if {@code fsync} is null
         */
        public Options {
            Objects.requireNonNull(fsync, "fsync");
            if (memoryLimitBytes < 0) {
                throw new IllegalArgumentException("memory limit must not be negative: " + memoryLimitBytes);
            }
            if (compactMinBytes < 0 || compactMultiple < 1) {
                throw new IllegalArgumentException("compaction needs a minimum >= 0 and a multiple >= 1, got "
                        + compactMinBytes + " and " + compactMultiple);
            }
            if (maxRecordBytes < LogFormat.PUT_FIXED_BYTES) {
                throw new IllegalArgumentException("max record bytes too small: " + maxRecordBytes);
            }
        }

        /**
         * Returns the defaults: sync every second, no memory limit, no repair, compaction at
         * twice the live bytes and 64 MiB.
         *
         * @return the default options
         */
        public static Options defaults() {
            return new Options(Fsync.EVERYSEC, 0, false, DEFAULT_COMPACT_MIN_BYTES, DEFAULT_COMPACT_MULTIPLE,
                    DEFAULT_MAX_RECORD_BYTES);
        }

        /**
         * Returns these options with another fsync policy.
         *
         * @param policy the policy
         * @return the new options
         */
        public Options withFsync(Fsync policy) {
            return new Options(policy, memoryLimitBytes, repair, compactMinBytes, compactMultiple, maxRecordBytes);
        }

        /**
         * Returns these options with another memory limit.
         *
         * @param limitBytes the limit, 0 for none
         * @return the new options
         */
        public Options withMemoryLimit(long limitBytes) {
            return new Options(fsync, limitBytes, repair, compactMinBytes, compactMultiple, maxRecordBytes);
        }

        /**
         * Returns these options with repair on or off.
         *
         * @param on whether to repair
         * @return the new options
         */
        public Options withRepair(boolean on) {
            return new Options(fsync, memoryLimitBytes, on, compactMinBytes, compactMultiple, maxRecordBytes);
        }

        /**
         * Returns these options with other compaction thresholds.
         *
         * @param minBytes the shortest log that is compacted
         * @param multiple how many times the live bytes the log may grow to
         * @return the new options
         */
        public Options withCompaction(long minBytes, int multiple) {
            return new Options(fsync, memoryLimitBytes, repair, minBytes, multiple, maxRecordBytes);
        }

        /**
         * Returns these options with another record limit.
         *
         * @param bytes the largest record payload
         * @return the new options
         */
        public Options withMaxRecordBytes(int bytes) {
            return new Options(fsync, memoryLimitBytes, repair, compactMinBytes, compactMultiple, bytes);
        }
    }

    /**
     * What opening the store replayed, for the start line.
     *
     * @param records sound records replayed
     * @param items live items after the replay
     * @param bytes bytes of log replayed (the file's length after recovery)
     * @param millis how long opening took, replay included
     * @param truncatedBytes bytes cut off a torn tail or, with repair, from damage on
     */
    public record Replay(long records, long items, long bytes, long millis, long truncatedBytes) {}

    private final Path file;
    private final Options options;
    private final MemoryStore memory;
    private final LogWriter writer;
    private final FileChannel lockChannel;
    private final Replay replay;
    /** Every change holds the read side; a compaction takes the write side for a moment. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();
    private final Compactor compactor;
    private final ReentrantLock compactionLock = new ReentrantLock();
    private final AtomicBoolean compactionQueued = new AtomicBoolean();
    private final ExecutorService compactionThread;
    private volatile long nextCompactionNanos = System.nanoTime();

    private LogStore(Path file, Options options, MemoryStore memory, LogWriter writer, FileChannel lockChannel,
            Replay replay) {
        this.file = file;
        this.options = options;
        this.memory = memory;
        this.writer = writer;
        this.lockChannel = lockChannel;
        this.replay = replay;
        this.compactor = new Compactor(file, writer, memory, gate.writeLock());
        this.compactionThread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("speicherd-log-compaction").factory());
    }

    /**
     * Opens the store in {@code directory}, creating the directory and an empty log when they
     * are missing, and replays the log.
     *
     * @param directory the data directory
     * @param clock the time source for expiry and flushes
     * @param options how to open
     * @return the open store; see {@link #replay()} for what the replay did
     * @throws IOException if the directory is in use by another store, the log cannot be read
     *     or is not a log, or it is damaged in the middle and {@code options.repair()} is off
     */
    public static LogStore open(Path directory, Clock clock, Options options) throws IOException {
        Objects.requireNonNull(clock, "clock");
        long started = System.nanoTime();
        Files.createDirectories(directory);
        FileChannel lockChannel = lockDirectory(directory);
        MemoryStore memory = null;
        LogWriter writer = null;
        try {
            Path file = directory.resolve(LOG_FILE_NAME);
            if (Files.deleteIfExists(Compactor.tempFileOf(file))) {
                LOG.log(System.Logger.Level.INFO, "log {0}: deleted the file of a compaction that did not finish", file);
            }
            writer = new LogWriter(file, options.fsync(), options.maxRecordBytes());
            memory = new MemoryStore(clock, 0, MemoryStore.SWEEP_INTERVAL, writer);
            LogReplayer replayer = new LogReplayer(memory);
            LogRecovery.Outcome recovered = LogRecovery.recover(file, options.repair(), options.maxRecordBytes(),
                    replayer);
            replayer.finish();
            writer.open(recovered.end());
            long items = memory.stats().currItems();
            Replay replay = new Replay(recovered.records(), items, recovered.end(),
                    (System.nanoTime() - started) / 1_000_000, recovered.droppedBytes());
            LogStore store = new LogStore(file, options, memory, writer, lockChannel, replay);
            store.setMemoryLimit(options.memoryLimitBytes());
            LOG.log(System.Logger.Level.DEBUG, "log {0}: replayed {1,number,#} records, {2,number,#} items, {3,number,#} bytes in {4,number,#} ms", file,
                    replay.records(), replay.items(), replay.bytes(), replay.millis());
            return store;
        } catch (IOException | RuntimeException e) {
            if (memory != null) {
                memory.close();
            }
            if (writer != null) {
                try {
                    writer.close();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            lockChannel.close();
            throw e;
        }
    }

    private static FileChannel lockDirectory(Path directory) throws IOException {
        FileChannel channel = FileChannel.open(
                directory.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("the data directory " + directory + " is in use by another store");
        }
        return channel;
    }

    /**
     * Returns what opening the store replayed.
     *
     * @return the replay's numbers
     */
    public Replay replay() {
        return replay;
    }

    /**
     * Returns the log file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    @Override
    public Lookup get(byte[] key) {
        return memory.get(key);
    }

    @Override
    public <X extends Exception> int read(List<byte[]> keys, ItemReader<X> reader) throws X {
        return memory.read(keys, reader);
    }

    @Override
    public void prefetch(byte[][] buffers, int[] offsets, int[] lengths, int count) {
        memory.prefetch(buffers, offsets, lengths, count);
    }

    @Override
    public WriteResult write(WriteMode mode, byte[] key, byte[] value, int flags, long expiresAt, long expectedCas) {
        return change(() -> memory.write(mode, key, value, flags, expiresAt, expectedCas));
    }

    @Override
    public DeleteResult delete(byte[] key, long expectedCas) {
        return change(() -> memory.delete(key, expectedCas));
    }

    @Override
    public CounterResult adjust(
            byte[] key, long delta, boolean decrement, CounterResult.Vivify vivify, long expectedCas) {
        return change(() -> memory.adjust(key, delta, decrement, vivify, expectedCas));
    }

    @Override
    public Lookup touch(byte[] key, long expiresAt) {
        return change(() -> memory.touch(key, expiresAt));
    }

    @Override
    public void flushAll(long atMillis) {
        change(() -> {
            memory.flushAll(atMillis);
            return null;
        });
    }

    @Override
    public void setMemoryLimit(long limitBytes) {
        change(() -> {
            memory.setMemoryLimit(limitBytes);
            return null;
        });
    }

    /** Under {@link Fsync#BATCH}, syncs the calling thread's changes; otherwise does nothing. */
    @Override
    public void sync() {
        writer.sync();
    }

    @Override
    public StoreStats stats() {
        StoreStats items = memory.stats();
        return new StoreStats(items.currItems(), items.totalItems(), items.bytes(), items.limitBytes(),
                items.evictions(), items.reclaimed(), writer.syncCount());
    }

    /**
     * Stops compaction and the background sync, syncs the log and closes it, and unlocks the
     * data directory.
     *
     * @throws StorageException if the final sync fails
     */
    @Override
    public void close() {
        compactor.cancel();
        compactionThread.shutdown();
        try {
            compactionThread.awaitTermination(COMPACTION_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        compactionLock.lock(); // a compactNow() in another thread is done too
        try {
            memory.close();
            writer.close();
        } finally {
            compactionLock.unlock();
            try {
                lockChannel.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot unlock the data directory: {0}", e.toString());
            }
        }
    }

    /**
     * Compacts the log now, in the calling thread, while the store keeps serving. Waits for a
     * background compaction under way to finish first.
     *
     * @return what the compaction did
     * @throws IOException if it failed; the old log is still in use and unharmed
     */
    Compactor.Outcome compactNow() throws IOException {
        compactionLock.lock();
        try {
            return compactor.compact();
        } finally {
            compactionLock.unlock();
        }
    }

    /** Returns the length of the log file. */
    long logBytes() {
        return writer.fileBytes();
    }

    /** Returns the writer, for tests of syncing and of a failing disk. */
    LogWriter writer() {
        return writer;
    }

    /** Returns the memory, for tests that compare it with a replay. */
    MemoryStore memory() {
        return memory;
    }

    /** Runs a change with the gate's read side held, then compacts in the background if due. */
    private <T> T change(Supplier<T> change) {
        ReentrantReadWriteLock.ReadLock lock = gate.readLock();
        lock.lock();
        T result;
        try {
            result = change.get();
        } finally {
            lock.unlock();
        }
        compactIfDue();
        return result;
    }

    /** Tells whether the log has outgrown the live data by the configured multiple. */
    private boolean compactionDue() {
        long size = writer.fileBytes();
        return size >= options.compactMinBytes() && size > options.compactMultiple() * memory.bytesHeld();
    }

    private void compactIfDue() {
        if (!compactionDue()
                || System.nanoTime() - nextCompactionNanos < 0
                || !compactionQueued.compareAndSet(false, true)) {
            return;
        }
        try {
            compactionThread.execute(this::compactInBackground);
        } catch (RejectedExecutionException closing) {
            compactionQueued.set(false);
        }
    }

    /**
     * Compacts, and again while the log is still due: records appended during a compaction are
     * copied to the new log as they are, so under heavy writes one round may not be enough, and
     * no later write may come to trigger the next.
     */
    private void compactInBackground() {
        try {
            for (int round = 0; round < MAX_BACKGROUND_ROUNDS; round++) {
                compactNow();
                if (!compactionDue()) {
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            nextCompactionNanos = System.nanoTime() + COMPACTION_RETRY_DELAY.toNanos();
            LOG.log(System.Logger.Level.WARNING, "log {0}: background compaction failed, next try in {1,number,#} s: {2}",
                    file, COMPACTION_RETRY_DELAY.toSeconds(), e.toString());
        } finally {
            compactionQueued.set(false);
        }
    }
}
