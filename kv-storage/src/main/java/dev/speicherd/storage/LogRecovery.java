package dev.speicherd.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Opens a log file for a start: creates it when missing, checks its header, hands every sound
 * record to the replay, and deals with damage, as Kafka's {@code LogSegment.recover} does.
 *
 * <p>A bad record (short, over-long, failing its checksum or the grammar) ends the replay.
 * When nothing sound follows it, it is a <em>torn tail</em>, what a crash in the middle of an
 * append leaves: the file is cut there, a warning names the offset and the bytes dropped, and
 * the start goes on. When a sound record follows, the damage is in the <em>middle</em>, and
 * cutting would drop acknowledged writes: recovery refuses, naming the file and the offset,
 * unless it was asked to repair, and then it cuts at the first bad record all the same (as
 * Redis's {@code aof-load-truncated}) and says what it dropped.
 */
final class LogRecovery {

    private static final System.Logger LOG = System.getLogger(LogRecovery.class.getName());

    /**
     * What recovery found.
     *
     * @param end the length of the file after recovery, where appends go on
     * @param records how many sound records it replayed
     * @param droppedBytes how many bytes it cut off the end
     */
    record Outcome(long end, long records, long droppedBytes) {}

    private LogRecovery() {}

    /**
     * Recovers the log at {@code file}.
     *
     * @param file the log file; created with a header when missing
     * @param repair whether to cut at damage in the middle instead of refusing
     * @param maxPayloadBytes the largest payload a record may have
     * @param replay receives every sound record, in order
     * @return what recovery found
     * @throws IOException if the file cannot be read or cut, is not a log, or is damaged in the
     *     middle and {@code repair} is false
     */
    static Outcome recover(Path file, boolean repair, int maxPayloadBytes, Consumer<LogRecord> replay)
            throws IOException {
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size < LogFormat.HEADER_BYTES) {
                return startAfresh(file, channel, size);
            }
            ByteBuffer header = ByteBuffer.allocate(LogFormat.HEADER_BYTES);
            while (header.hasRemaining() && channel.read(header, header.position()) >= 0) {
                // read until the header is full; the size says it is there
            }
            String problem = LogFormat.headerProblem(header.array());
            if (problem != null) {
                throw new IOException("cannot open the log " + file + ": " + problem);
            }
            LogReader reader = new LogReader(channel, size, maxPayloadBytes);
            long offset = LogFormat.HEADER_BYTES;
            long records = 0;
            while (true) {
                switch (reader.readAt(offset)) {
                    case LogReader.Result.Sound sound -> {
                        replay.accept(sound.record());
                        records++;
                        offset = sound.next();
                    }
                    case LogReader.Result.End end -> {
                        return new Outcome(size, records, 0);
                    }
                    case LogReader.Result.Bad bad -> {
                        long dropped = size - offset;
                        long next = reader.nextSoundAfter(offset);
                        if (next < 0) {
                            LOG.log(System.Logger.Level.WARNING, "log {0}: torn or corrupt tail at offset {1,number,#} ({2}); "
                                    + "dropping its last {3,number,#} bytes and keeping the {4,number,#} records before it",
                                    file, offset, bad.reason(), dropped, records);
                        } else if (repair) {
                            LOG.log(System.Logger.Level.WARNING, "log {0}: repairing: corrupt record at offset {1,number,#} ({2}); "
                                    + "dropping {3,number,#} bytes from there, sound records from offset {4,number,#} on among them, "
                                    + "and keeping the {5,number,#} records before it",
                                    file, offset, bad.reason(), dropped, next, records);
                        } else {
                            throw new IOException("the log " + file + " is corrupt at offset " + offset + " ("
                                    + bad.reason() + "), and a sound record follows at offset " + next
                                    + ", so this is damage in the middle, not a torn tail. Opening with repair "
                                    + "(--log-repair) keeps the " + records + " records before offset " + offset
                                    + " and drops the " + dropped + " bytes from there on.");
                        }
                        channel.truncate(offset);
                        channel.force(true);
                        return new Outcome(offset, records, dropped);
                    }
                }
            }
        }
    }

    /**
     * Writes the header into an empty file, or into one that a crash left with part of a header
     * and nothing else; refuses a short file that is something else.
     */
    private static Outcome startAfresh(Path file, FileChannel channel, long size) throws IOException {
        byte[] header = LogFormat.header();
        if (size > 0) {
            ByteBuffer start = ByteBuffer.allocate((int) size);
            while (start.hasRemaining() && channel.read(start, start.position()) >= 0) {
                // read the few bytes there are
            }
            if (!Arrays.equals(start.array(), 0, (int) size, header, 0, (int) size)) {
                throw new IOException("cannot open the log " + file + ": its " + size
                        + " bytes are not the start of a speicherd log");
            }
            LOG.log(System.Logger.Level.WARNING, "log {0}: only {1,number,#} bytes of its header were written; writing it again",
                    file, size);
        }
        channel.truncate(0);
        ByteBuffer buf = ByteBuffer.wrap(header);
        while (buf.hasRemaining()) {
            channel.write(buf, buf.position());
        }
        channel.force(true);
        syncDirectory(file.toAbsolutePath().getParent());
        return new Outcome(header.length, 0, 0);
    }

    /**
     * Makes a directory's entries durable: a new or renamed file in it survives a crash.
     *
     * @param directory the directory
     * @throws IOException if the directory cannot be synced
     */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }
}
