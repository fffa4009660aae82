package dev.speicherd.storage;

import dev.speicherd.api.Item;
import dev.speicherd.api.StorageException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Appends records to the log file and makes them durable as the fsync policy says: the {@link
 * Journal} of a {@link LogStore}'s memory.
 *
 * <p><b>Appending.</b> Every record is written to the file by the thread that made the change,
 * under a short append lock, before the change becomes visible in memory: there is no buffer in
 * user space, so a write that fails fails the change, and the file never holds a record that
 * memory does not. A write that fails part way is cut off again, so the file stays a sequence
 * of whole records; if even that fails, the writer is <em>broken</em> and refuses every later
 * record (reads of the store go on), since appending after a torn record would turn a torn
 * tail into damage in the middle.
 *
 * <p><b>Durability.</b> Under {@link LogStore.Fsync#ALWAYS} a writer waits in {@link #commit}
 * until an fsync has covered its record. The syncs are grouped: the first waiter becomes the
 * leader, syncs outside every lock, and releases all whose records that sync covered, while
 * records appended meanwhile wait for the next leader; so many writers share one fsync and
 * throughput grows with their number. Under {@link LogStore.Fsync#BATCH} {@link #commit} only
 * notes the ticket for the thread that made the change, and that thread's {@link #sync} waits for
 * it, in the same way: an event loop makes a turn's changes, syncs once, then answers them all.
 * Under {@link LogStore.Fsync#EVERYSEC} a background thread
 * syncs every {@link #EVERYSEC_INTERVAL}; under {@link LogStore.Fsync#NO} only {@link #close}
 * syncs. In both, an acknowledged write is in the operating system's cache and survives the
 * process dying, but not the machine failing within the interval. A failed fsync breaks the
 * writer: what the cache held is then unknown.
 *
 * <p><b>Why not a FileChannel.</b> The file is a {@link RandomAccessFile}: a {@code
 * FileChannel} closes itself when a thread doing I/O on it is interrupted, and one interrupted
 * connection thread would then take the log down for everyone.
 *
 * <p><b>Tickets.</b> A record's ticket is the number of bytes appended since the writer opened,
 * up to the end of the record. Tickets grow across a compaction's switch to a new file, so a
 * later ticket covers every earlier one.
 */
final class LogWriter implements Journal {

    /** How often {@link LogStore.Fsync#EVERYSEC} syncs. */
    static final Duration EVERYSEC_INTERVAL = Duration.ofSeconds(1);
    /** How long {@link #close} waits for a background sync under way. */
    private static final Duration SYNCER_STOP_WAIT = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger(LogWriter.class.getName());

    private final Path file;
    private final LogStore.Fsync fsync;
    private final int maxPayloadBytes;

    /** Guards appends, {@link #closed}, and the switch to a compacted file. */
    private final ReentrantLock appendLock = new ReentrantLock();
    /** The file; swapped only under both locks, so either lock gives a steady view. */
    private volatile RandomAccessFile out;
    /** The length of the file: the end of its last whole record. */
    private volatile long fileBytes;
    /** Bytes appended since opening: the last ticket handed out. */
    private volatile long appended;
    private boolean closed;
    /** Set once when the log can no longer be trusted to take records. */
    private volatile IOException broken;

    /** Guards {@link #durable} and {@link #syncing}. */
    private final ReentrantLock syncLock = new ReentrantLock();
    private final Condition syncDone = syncLock.newCondition();
    private long durable;
    private boolean syncing;
    private final LongAdder syncs = new LongAdder();
    private ScheduledExecutorService syncer;
    /**
     * Under {@link LogStore.Fsync#BATCH}, the highest ticket of each thread's changes not yet
     * synced, or {@link #NOTHING}: it covers every one of them.
     */
    private final ThreadLocal<long[]> unsynced = ThreadLocal.withInitial(() -> new long[] {NOTHING});

    /**
     * Creates a writer that is not open yet: a store replays its log into memory first, and
     * only then does the writer take records.
     *
     * @param file the log file
     * @param fsync when to sync
     * @param maxPayloadBytes the largest payload a record may have; a larger change is refused
     */
    LogWriter(Path file, LogStore.Fsync fsync, int maxPayloadBytes) {
        this.file = file;
        this.fsync = fsync;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /**
     * Opens the file for appending at {@code end}, and starts the background sync if the policy
     * has one.
     *
     * @param end the length of the file, as recovery left it
     * @throws IOException if the file cannot be opened
     */
    void open(long end) throws IOException {
        RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw");
        raf.seek(end);
        fileBytes = end;
        out = raf;
        if (fsync == LogStore.Fsync.EVERYSEC) {
            syncer = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("speicherd-log-sync").factory());
            long every = EVERYSEC_INTERVAL.toMillis();
            syncer.scheduleWithFixedDelay(this::syncInBackground, every, every, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public long put(Key key, Item item, long writtenAt) {
        return append(new LogRecord.Put(key.bytes(), item, writtenAt));
    }

    @Override
    public long remove(Key key) {
        return append(new LogRecord.Remove(key.bytes()));
    }

    @Override
    public long flush(FlushSchedule schedule) {
        return append(new LogRecord.Flush(schedule));
    }

    @Override
    public void commit(long ticket) {
        if (ticket == NOTHING) {
            return;
        }
        if (fsync == LogStore.Fsync.ALWAYS) {
            awaitDurable(ticket);
        } else if (fsync == LogStore.Fsync.BATCH) {
            long[] mine = unsynced.get();
            mine[0] = Math.max(mine[0], ticket);
        }
    }

    /**
     * Under {@link LogStore.Fsync#BATCH}, waits until an fsync has covered the calling thread's
     * records; returns at once when it appended none since its last sync, and under any other
     * policy. The ticket is forgotten even when the sync fails, so that a thread which goes on
     * reading after a failure is not refused forever; the caller must treat every change of its
     * batch as lost.
     *
     * @throws StorageException if the writer is broken or the sync fails
     */
    void sync() {
        if (fsync != LogStore.Fsync.BATCH) {
            return;
        }
        long[] mine = unsynced.get();
        long ticket = mine[0];
        if (ticket == NOTHING) {
            return;
        }
        mine[0] = NOTHING;
        awaitDurable(ticket);
    }

    /**
     * Writes one record to the end of the file.
     *
     * @param record the record
     * @return its ticket
     * @throws StorageException if it is too large, or the file cannot take it; then it is not
     *     in the file
     */
    long append(LogRecord record) {
        long payloadBytes = LogFormat.payloadBytes(record);
        if (payloadBytes > maxPayloadBytes) {
            throw new StorageException("a log record of " + payloadBytes + " bytes is over the limit of "
                    + maxPayloadBytes, null);
        }
        byte[] frame = LogFormat.encode(record);
        appendLock.lock();
        try {
            RandomAccessFile f = out;
            if (closed || f == null) {
                throw new StorageException("the log " + file + " is closed", null);
            }
            IOException failure = broken;
            if (failure != null) {
                throw new StorageException("the log " + file + " failed earlier and takes no more writes until "
                        + "a restart: " + failure.getMessage(), failure);
            }
            long start = fileBytes;
            try {
                f.write(frame);
            } catch (IOException e) {
                rollBack(f, start, e);
                throw new StorageException("cannot write to the log " + file + ": " + e.getMessage(), e);
            }
            fileBytes = start + frame.length;
            long ticket = appended + frame.length;
            appended = ticket;
            return ticket;
        } finally {
            appendLock.unlock();
        }
    }

    /** Cuts a partly written record off again, or breaks the writer if it cannot. */
    private void rollBack(RandomAccessFile f, long start, IOException cause) {
        try {
            f.setLength(start);
            f.seek(start);
            LOG.log(System.Logger.Level.WARNING, "log {0}: a write failed at offset {1,number,#} and was cut off again: {2}",
                    file, start, cause.toString());
        } catch (IOException e) {
            cause.addSuppressed(e);
            markBroken("a write at offset " + start, cause);
        }
    }

    /**
     * Waits until an fsync has covered the bytes up to {@code ticket}, syncing itself when no
     * other thread is at it.
     *
     * @throws StorageException if the writer is broken or the sync fails
     */
    private void awaitDurable(long ticket) {
        syncLock.lock();
        try {
            while (durable < ticket) {
                IOException failure = broken;
                if (failure != null) {
                    throw new StorageException("the log " + file + " cannot be synced, so this change may be lost "
                            + "on a crash: " + failure.getMessage(), failure);
                }
                if (syncing) {
                    syncDone.awaitUninterruptibly();
                    continue;
                }
                syncing = true;
                RandomAccessFile f = out;
                long target = appended;
                syncLock.unlock();
                IOException syncFailure = null;
                try {
                    f.getFD().sync();
                    syncs.increment();
                } catch (IOException e) {
                    syncFailure = e;
                } finally {
                    syncLock.lock();
                    syncing = false;
                    syncDone.signalAll();
                }
                if (syncFailure != null) {
                    markBroken("an fsync", syncFailure);
                } else {
                    durable = Math.max(durable, target);
                }
            }
        } finally {
            syncLock.unlock();
        }
    }

    private void syncInBackground() {
        try {
            awaitDurable(appended);
        } catch (StorageException e) {
            // Logged once, when the writer broke; the store refuses writes from then on.
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "log " + file + ": background sync failed", e);
        }
    }

    private synchronized void markBroken(String what, IOException cause) {
        if (broken == null) {
            broken = cause;
            LOG.log(System.Logger.Level.ERROR, "log {0}: {1} failed ({2}); the store refuses every write from now "
                    + "on, reads go on; restart to recover from the log", file, what, cause.toString());
        }
    }

    /** Copies the rest of the old log to the compacted file and makes it durable. */
    @FunctionalInterface
    interface Finisher {
        /**
         * Finishes the compacted file, while no record can be appended.
         *
         * @param end the length of the old file, which no longer changes until the switch
         * @throws IOException if the compacted file cannot be finished
         */
        void finish(long end) throws IOException;
    }

    /**
     * Replaces the log with a compacted file: lets {@code finisher} bring the compacted file up
     * to date while appends wait, renames it over the log atomically, syncs the directory, and
     * appends to the new file from then on. Every record appended so far is in the new file,
     * synced, so every ticket so far is durable.
     *
     * @param replacement the compacted file, in the log's directory
     * @param finisher brings it up to date and syncs it
     * @throws IOException if the compacted file cannot be finished or renamed; the old log then
     *     stays in use, unharmed
     */
    void switchTo(Path replacement, Finisher finisher) throws IOException {
        appendLock.lock();
        try {
            if (closed) {
                throw new IOException("the log " + file + " is closed");
            }
            IOException failure = broken;
            if (failure != null) {
                throw new IOException("the log " + file + " failed earlier", failure);
            }
            finisher.finish(fileBytes);
            Files.move(replacement, file, StandardCopyOption.ATOMIC_MOVE);
            try {
                LogRecovery.syncDirectory(file.toAbsolutePath().getParent());
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "log {0}: cannot sync its directory after the compacted file "
                        + "replaced it; a crash now may bring back the old log, which holds the same data: {1}",
                        file, e.toString());
            }
            RandomAccessFile next;
            long nextBytes;
            try {
                next = new RandomAccessFile(file.toFile(), "rw");
                nextBytes = next.length();
                next.seek(nextBytes);
            } catch (IOException e) {
                markBroken("reopening the compacted log", e);
                throw e;
            }
            RandomAccessFile old;
            syncLock.lock();
            try {
                while (syncing) {
                    syncDone.awaitUninterruptibly();
                }
                old = out;
                out = next;
                fileBytes = nextBytes;
                durable = appended;
                syncDone.signalAll();
            } finally {
                syncLock.unlock();
            }
            closeQuietly(old);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * Stops taking records, syncs what was appended, and closes the file. Does nothing the
     * second time.
     *
     * @throws StorageException if the final sync fails
     */
    void close() {
        if (syncer != null) {
            syncer.shutdown();
            try {
                syncer.awaitTermination(SYNCER_STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        RandomAccessFile f;
        appendLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            f = out;
        } finally {
            appendLock.unlock();
        }
        if (f == null) {
            return;
        }
        try {
            if (broken == null) {
                awaitDurable(appended);
            }
        } finally {
            closeQuietly(f);
        }
    }

    private void closeQuietly(RandomAccessFile f) {
        try {
            f.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "log {0}: closing a file failed: {1}", file, e.toString());
        }
    }

    /** Returns the length of the log file. */
    long fileBytes() {
        return fileBytes;
    }

    /** Returns the bytes appended since opening, which is the last ticket handed out. */
    long appendedBytes() {
        return appended;
    }

    /** Returns the bytes appended since opening that an fsync has covered. */
    long durableBytes() {
        syncLock.lock();
        try {
            return durable;
        } finally {
            syncLock.unlock();
        }
    }

    /** Returns how many fsyncs the writer has done. */
    long syncCount() {
        return syncs.sum();
    }

    /**
     * For tests of a failing disk: closes the file under the writer, so that its next write or
     * sync meets a real {@link IOException} from the JDK, as it would meet one from a disk that
     * went away. The only seam the tests need; nothing else is faked.
     */
    void closeFileUnderneath() throws IOException {
        out.close();
    }
}
