package dev.speicherd.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.speicherd.api.Item;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bytes of the log, as the grammar in {@link LogStore} gives them. */
final class LogFormatTest {

    private static final List<LogRecord> RECORDS = List.of(
            new LogRecord.Put("key".getBytes(StandardCharsets.UTF_8),
                    new Item("value".getBytes(StandardCharsets.UTF_8), 0xCAFEBABE, 1_700_000_060_000L, 42),
                    1_700_000_000_000L),
            new LogRecord.Put(new byte[0], new Item(new byte[0], 0, Item.NEVER, 1), 0),
            new LogRecord.Remove("key".getBytes(StandardCharsets.UTF_8)),
            new LogRecord.Flush(new FlushSchedule(Long.MIN_VALUE, 1_700_000_100_000L, 41)),
            new LogRecord.CasFloor(Long.MAX_VALUE));

    private static LogRecord decodeFrame(byte[] frame) throws LogFormat.MalformedRecordException {
        return LogFormat.decode(frame, LogFormat.FRAME_BYTES, frame.length - LogFormat.FRAME_BYTES);
    }

    @Test
    void everyRecordRoundTripsThroughItsFrame() throws Exception {
        for (LogRecord record : RECORDS) {
            byte[] frame = LogFormat.encode(record);
            ByteBuffer buf = ByteBuffer.wrap(frame);
            int crc = buf.getInt();
            int length = buf.getInt();
            assertEquals(frame.length - LogFormat.FRAME_BYTES, length, record.toString());
            assertEquals(LogFormat.payloadBytes(record), length);
            assertEquals(LogFormat.checksum(frame, Integer.BYTES, frame.length - Integer.BYTES), crc);
            assertEquals(record, decodeFrame(frame));
        }
    }

    @Test
    void aRemovalIsWrittenAsTheGrammarSays() {
        byte[] frame = LogFormat.encode(new LogRecord.Remove("ab".getBytes(StandardCharsets.US_ASCII)));
        // crc32c, then length 7, then op 02, key length 2, "ab"
        assertEquals("00000007" + "02" + "00000002" + "6162", HexFormat.of().formatHex(frame, 4, frame.length));
    }

    @Test
    void theHeaderIsMagicAndVersion() {
        assertEquals("5350454943484c47" + "00000001", HexFormat.of().formatHex(LogFormat.header()));
        assertNull(LogFormat.headerProblem(LogFormat.header()));
        byte[] other = LogFormat.header();
        other[other.length - 1] = 2;
        assertNotNull(LogFormat.headerProblem(other));
    }

    @Test
    void payloadsOfTheWrongShapeAreMalformed() {
        byte[] put = LogFormat.encode(RECORDS.get(0));
        ByteBuffer.wrap(put).putInt(LogFormat.FRAME_BYTES + 1, 1_000); // key length past the payload
        assertThrows(LogFormat.MalformedRecordException.class, () -> decodeFrame(put));
        byte[] flush = LogFormat.encode(RECORDS.get(3));
        assertThrows(LogFormat.MalformedRecordException.class,
                () -> LogFormat.decode(flush, LogFormat.FRAME_BYTES, flush.length - LogFormat.FRAME_BYTES - 1));
        byte[] unknown = {9, 0, 0, 0, 0};
        assertThrows(LogFormat.MalformedRecordException.class, () -> LogFormat.decode(unknown, 0, unknown.length));
    }
}
