package dev.speicherd.storage;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads the records of a log file at given offsets, for recovery. Reads through a window of
 * the file, so that walking the records one after another, or probing every offset of a
 * damaged stretch, costs few system calls. Never allocates more than a record that the file
 * actually holds and the format allows. Not thread-safe; one recovery uses one reader.
 */
final class LogReader {

    /** How much of the file one window read covers, unless a record needs more. */
    static final int WINDOW_BYTES = 1 << 20;

    /** What is at an offset. */
    sealed interface Result {

        /**
         * A sound record.
         *
         * @param record the record
         * @param next the offset just after it
         */
        record Sound(LogRecord record, long next) implements Result {}

        /**
         * Not a record: a torn or corrupt one, or garbage.
         *
         * @param reason what is wrong, fit for a log line
         */
        record Bad(String reason) implements Result {}

        /** The end of the file, exactly after the last record. */
        record End() implements Result {}
    }

    private static final Result END = new Result.End();

    private final FileChannel channel;
    private final long size;
    private final int maxPayloadBytes;
    private final ByteBuffer probe = ByteBuffer.allocate(Integer.BYTES);
    private byte[] window = new byte[0];
    private long windowStart;
    private int windowBytes;

    /**
     * Creates a reader.
     *
     * @param channel the file, open for reading; the reader does not close it
     * @param size the file's length, which the reader does not read past
     * @param maxPayloadBytes the largest payload the format allows; a longer length is damage
     */
    LogReader(FileChannel channel, long size, int maxPayloadBytes) {
        this.channel = channel;
        this.size = size;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /**
     * Reads the record at {@code offset}.
     *
     * @param offset where a record should start
     * @return the record, what is wrong with it, or the end of the file
     * @throws IOException if the file cannot be read
     */
    Result readAt(long offset) throws IOException {
        long left = size - offset;
        if (left == 0) {
            return END;
        }
        if (left < LogFormat.FRAME_BYTES) {
            return new Result.Bad("only " + left + " bytes left, too few for a record's checksum and length");
        }
        cover(offset, LogFormat.FRAME_BYTES);
        int at = (int) (offset - windowStart);
        int crc = intAt(at);
        int length = intAt(at + Integer.BYTES);
        if (length < 1) {
            return new Result.Bad("record length " + length);
        }
        if (length > maxPayloadBytes) {
            return new Result.Bad("record length " + length + " is over the limit of " + maxPayloadBytes);
        }
        if (length > left - LogFormat.FRAME_BYTES) {
            return new Result.Bad("record length " + length + " runs past the end of the file ("
                    + (left - LogFormat.FRAME_BYTES) + " bytes left)");
        }
        long payload = offset + LogFormat.FRAME_BYTES;
        String shape = LogFormat.shapeProblem(byteAt(payload), length, i -> probeInt(payload + i));
        if (shape != null) {
            return new Result.Bad(shape);
        }
        cover(offset, LogFormat.FRAME_BYTES + length);
        at = (int) (offset - windowStart);
        if (LogFormat.checksum(window, at + Integer.BYTES, Integer.BYTES + length) != crc) {
            return new Result.Bad("checksum mismatch");
        }
        try {
            LogRecord record = LogFormat.decode(window, at + LogFormat.FRAME_BYTES, length);
            return new Result.Sound(record, payload + length);
        } catch (LogFormat.MalformedRecordException e) {
            return new Result.Bad(e.getMessage());
        }
    }

    /**
     * Finds the first offset after {@code from} that holds a sound record, the sign that damage
     * at {@code from} is in the middle of the log rather than at its tail.
     *
     * @param from the offset of the damage
     * @return the offset of the next sound record, or -1 when there is none
     * @throws IOException if the file cannot be read
     */
    long nextSoundAfter(long from) throws IOException {
        for (long offset = from + 1; offset + LogFormat.FRAME_BYTES <= size; offset++) {
            if (readAt(offset) instanceof Result.Sound) {
                return offset;
            }
        }
        return -1;
    }

    private byte byteAt(long offset) throws IOException {
        cover(offset, 1);
        return window[(int) (offset - windowStart)];
    }

    /** Reads an int anywhere in the file without moving the window, for shape checks. */
    private int probeInt(long offset) throws IOException {
        if (offset < 0 || offset + Integer.BYTES > size) {
            throw new EOFException("probe at " + offset + " is outside the file");
        }
        if (offset >= windowStart && offset + Integer.BYTES <= windowStart + windowBytes) {
            return intAt((int) (offset - windowStart));
        }
        probe.clear();
        readFully(probe, offset);
        return probe.getInt(0);
    }

    private int intAt(int at) {
        return ((window[at] & 0xFF) << 24) | ((window[at + 1] & 0xFF) << 16)
                | ((window[at + 2] & 0xFF) << 8) | (window[at + 3] & 0xFF);
    }

    /** Makes the window hold {@code [offset, offset + bytes)}, which the caller knows is in the file. */
    private void cover(long offset, int bytes) throws IOException {
        if (offset >= windowStart && offset + bytes <= windowStart + windowBytes) {
            return;
        }
        int want = (int) Math.min(Math.max(bytes, WINDOW_BYTES), size - offset);
        if (window.length < want) {
            window = new byte[want];
        }
        readFully(ByteBuffer.wrap(window, 0, want), offset);
        windowStart = offset;
        windowBytes = want;
    }

    private void readFully(ByteBuffer into, long offset) throws IOException {
        long at = offset;
        while (into.hasRemaining()) {
            int read = channel.read(into, at);
            if (read < 0) {
                throw new EOFException("the log ended at " + at + " while reading, shorter than its size " + size);
            }
            at += read;
        }
    }
}
