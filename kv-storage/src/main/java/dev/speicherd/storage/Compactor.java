package dev.speicherd.storage;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.Lock;

/**
 * Rewrites the log from the live items, while the store keeps serving.
 *
 * <ol>
 *   <li>With the gate closed for a moment (no change is between its log record and memory),
 *       note where the log ends: everything before is in memory now.
 *   <li>Write a new file next to the log: a header, the token floor, the flush schedule, and
 *       one put per live item, read from memory while writers go on.
 *   <li>Copy the records appended to the old log since step 1 to the new file, without
 *       stopping appends, until little is left; sync the new file.
 *   <li>With appends held: copy the last few records, sync, rename the new file over the log,
 *       sync the directory, and append to the new file from then on ({@link
 *       LogWriter#switchTo}).
 * </ol>
 *
 * <p>The copied records replay after the snapshot and take the keys that changed during it to
 * their latest state, since one key's records keep the order memory saw them in and a flush
 * record holds the whole schedule. A crash before the rename leaves the old log and a temporary
 * file that the next start deletes; after it, the new log holds everything the old one did.
 */
final class Compactor {

    /** The name the new file has, next to the log, until it replaces it. */
    static final String TEMP_SUFFIX = ".compacting";
    /** Catching up stops once fewer bytes than this are left to copy with appends held. */
    static final long CATCH_UP_BYTES = 1 << 20;
    /** Catching up stops after this many rounds even when writers keep ahead of it. */
    static final int MAX_CATCH_UP_ROUNDS = 8;
    private static final int COPY_BUFFER_BYTES = 1 << 16;
    private static final int OUTPUT_BUFFER_BYTES = 1 << 16;

    private static final System.Logger LOG = System.getLogger(Compactor.class.getName());

    /**
     * What one compaction did.
     *
     * @param bytesBefore the length of the log before
     * @param bytesAfter the length of the new log at the switch
     * @param items how many live items the snapshot wrote
     * @param millis how long it took
     */
    record Outcome(long bytesBefore, long bytesAfter, long items, long millis) {}

    private final Path file;
    private final LogWriter writer;
    private final MemoryStore memory;
    private final Lock gate;
    private volatile boolean cancelled;

    /**
     * Creates the compactor of one log.
     *
     * @param file the log file
     * @param writer the log's writer
     * @param memory the store's memory
     * @param gate the write side of the lock that every change holds the read side of
     */
    Compactor(Path file, LogWriter writer, MemoryStore memory, Lock gate) {
        this.file = file;
        this.writer = writer;
        this.memory = memory;
        this.gate = gate;
    }

    /** Returns where the new file is written until it replaces the log. */
    static Path tempFileOf(Path file) {
        return file.resolveSibling(file.getFileName() + TEMP_SUFFIX);
    }

    /** Makes a compaction under way give up soon, leaving the old log in use; for closing. */
    void cancel() {
        cancelled = true;
    }

    /**
     * Compacts the log once. Not to be run by two threads at once.
     *
     * @return what it did
     * @throws IOException if it failed; the old log is still in use and unharmed
     */
    Outcome compact() throws IOException {
        long started = System.nanoTime();
        Path temp = tempFileOf(file);
        Files.deleteIfExists(temp);
        long start;
        gate.lock();
        try {
            start = writer.fileBytes();
        } finally {
            gate.unlock();
        }
        long[] items = {0};
        long[] copied = {start};
        try (RandomAccessFile old = new RandomAccessFile(file.toFile(), "r");
                FileOutputStream fileOut = new FileOutputStream(temp.toFile());
                OutputStream out = new BufferedOutputStream(fileOut, OUTPUT_BUFFER_BYTES)) {
            out.write(LogFormat.header());
            out.write(LogFormat.encode(new LogRecord.CasFloor(memory.lastCas())));
            FlushSchedule schedule = memory.flushSchedule();
            if (!schedule.equals(FlushSchedule.NONE)) {
                out.write(LogFormat.encode(new LogRecord.Flush(schedule)));
            }
            memory.forEachLive((key, slot) -> {
                if (cancelled) {
                    throw new UncheckedIOException(new IOException("compaction cancelled: the store is closing"));
                }
                try {
                    out.write(LogFormat.encode(new LogRecord.Put(key.bytes(), Slot.item(slot), Slot.writtenAt(slot))));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                items[0]++;
            });
            for (int round = 0; round < MAX_CATCH_UP_ROUNDS && writer.fileBytes() - copied[0] > CATCH_UP_BYTES; round++) {
                copied[0] = copy(old, copied[0], writer.fileBytes(), out);
            }
            out.flush();
            fileOut.getFD().sync();
            long before = writer.fileBytes();
            writer.switchTo(temp, end -> {
                copied[0] = copy(old, copied[0], end, out);
                out.flush();
                fileOut.getFD().sync();
            });
            Outcome outcome = new Outcome(before, Files.size(file), items[0], (System.nanoTime() - started) / 1_000_000);
            LOG.log(System.Logger.Level.INFO, "log {0}: compacted from {1,number,#} to {2,number,#} bytes ({3,number,#} live items) in {4,number,#} ms",
                    file, outcome.bytesBefore(), outcome.bytesAfter(), outcome.items(), outcome.millis());
            return outcome;
        } catch (UncheckedIOException e) {
            deleteQuietly(temp);
            throw e.getCause();
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    /** Copies {@code [from, to)} of the old log to {@code out}, returning {@code to}. */
    private static long copy(RandomAccessFile old, long from, long to, OutputStream out) throws IOException {
        byte[] buf = new byte[COPY_BUFFER_BYTES];
        old.seek(from);
        for (long at = from; at < to; ) {
            int n = (int) Math.min(buf.length, to - at);
            old.readFully(buf, 0, n);
            out.write(buf, 0, n);
            at += n;
        }
        return to;
    }

    private static void deleteQuietly(Path temp) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete the unfinished compaction file {0}: {1}", temp, e.toString());
        }
    }
}
