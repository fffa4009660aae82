package dev.speicherd.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.speicherd.codec.KeySpan;
import dev.speicherd.codec.binary.MemcachedBinaryReader;
import dev.speicherd.codec.memcached.MemcachedTextReader;
import dev.speicherd.codec.speicher.SpeicherFrameReader;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.ReadableByteChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The event loop's input as a session's reader and the connection use it: reads that stop short
 * with {@link MoreInputNeeded}, rewinds to the request's start, commits, skips whose rest is
 * dropped as it arrives, the end of the stream, and a request larger than the first buffer.
 */
final class LoopInputTest {

    private static final ClientMemory UNBOUNDED = new ClientMemory(Long.MAX_VALUE / 4);

    /**
     * A client's socket as the loop sees it, without a socket: each read hands out what is left
     * of the oldest piece given (as much as fits), 0 when no piece is waiting, and -1 once the
     * client hung up and every piece was read.
     */
    private static final class Client implements ReadableByteChannel {
        private final ArrayDeque<ByteBuffer> pieces = new ArrayDeque<>();
        private boolean hungUp;

        Client send(byte[] bytes) {
            pieces.add(ByteBuffer.wrap(bytes.clone()));
            return this;
        }

        Client send(String ascii) {
            return send(ascii.getBytes(US_ASCII));
        }

        void hangUp() {
            hungUp = true;
        }

        @Override
        public int read(ByteBuffer dst) {
            ByteBuffer piece = pieces.peek();
            if (piece == null) {
                return hungUp ? -1 : 0;
            }
            int n = Math.min(piece.remaining(), dst.remaining());
            dst.put(piece.slice(piece.position(), n));
            piece.position(piece.position() + n);
            if (!piece.hasRemaining()) {
                pieces.poll();
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
            // nothing to release
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(US_ASCII);
    }

    private static String readAscii(LoopInput in, int n) throws IOException {
        byte[] b = new byte[n];
        assertEquals(n, in.readNBytes(b, 0, n));
        return new String(b, US_ASCII);
    }

    /** Receives until the channel has nothing more now; returns the bytes received. */
    private static long receiveAll(LoopInput in, ReadableByteChannel channel) throws IOException {
        long total = 0;
        for (int n; (n = in.receive(channel)) > 0; ) {
            total += n;
        }
        return total;
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed + (i >>> 8));
        }
        return b;
    }

    /** A length-prefixed request: 4 bytes big-endian, then the body. */
    private static byte[] framed(byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** Reads a length-prefixed request the way a session's reader would, as a stream. */
    private static byte[] readFramed(LoopInput in) throws IOException {
        byte[] header = new byte[4];
        if (in.readNBytes(header, 0, 4) < 4) {
            throw new EOFException("inside a header");
        }
        int length = ByteBuffer.wrap(header).getInt();
        byte[] body = new byte[length];
        if (in.readNBytes(body, 0, length) < length) {
            throw new EOFException("inside a body");
        }
        return body;
    }

    /** A session that finds memcached text keys, as the memcached session does when its reader holds nothing. */
    private static final class KeyFinder implements Session {
        @Override
        public boolean serveOne() {
            throw new UnsupportedOperationException();
        }

        @Override
        public long keyOfNext(byte[] bytes, int from, int to) {
            return MemcachedTextReader.keyOfNext(bytes, from, to);
        }

        @Override
        public int unread() {
            return 0;
        }

        @Override
        public void forgetUnread() {}

        @Override
        public void close() {}
    }

    private static String keyOfNext(LoopInput in) {
        long span = in.keyOfNext(new KeyFinder());
        return span == KeySpan.NONE ? null : new String(in.buffer(), KeySpan.offset(span), KeySpan.length(span), US_ASCII);
    }

    @Test
    void theKeyOfTheNextRequestIsFoundInTheBytesNotYetTaken() throws IOException {
        LoopInput in = new LoopInput(UNBOUNDED);
        assertNull(keyOfNext(in), "nothing received");
        Client client = new Client().send("get first\r\nget second\r\nget thi");
        receiveAll(in, client);
        assertEquals("first", keyOfNext(in));
        assertEquals("get first\r\n", readAscii(in, 11));
        in.commit(0);
        assertEquals("second", keyOfNext(in));
        assertEquals("get second\r\n", readAscii(in, 12));
        in.commit(0);
        assertNull(keyOfNext(in), "the third key has not all arrived");
        client.send("rd\r\n");
        receiveAll(in, client);
        assertEquals("third", keyOfNext(in), "found after the receive moved the request to the buffer's start");
        assertEquals("get third\r\n", readAscii(in, 11));
        in.commit(0);
        assertNull(keyOfNext(in), "everything taken");
    }

    @Test
    void aReadWithNothingBufferedAsksForMoreAndTheInputIsNotReadyUntilAByteArrives() throws IOException {
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
            LoopInput in = new LoopInput(UNBOUNDED);
            assertFalse(in.ready(), "nothing has arrived");
            assertThrows(MoreInputNeeded.class, in::read);
            assertThrows(MoreInputNeeded.class, () -> in.read(new byte[8], 0, 8));
            assertThrows(MoreInputNeeded.class, () -> in.readNBytes(new byte[1], 0, 1));
            in.rewind();
            assertEquals(0, in.receive(source), "a non-blocking read of an empty pipe");
            assertFalse(in.ready(), "still nothing");
            assertEquals(0, in.available());

            sink.write(ByteBuffer.wrap(ascii("g")));
            assertEquals(1, in.receive(source));
            assertTrue(in.ready());
            assertEquals(1, in.available());
            assertEquals('g', in.peek());
            assertEquals('g', in.read());
            assertThrows(MoreInputNeeded.class, in::read, "the one byte is taken");
            assertFalse(in.ended());
            assertEquals(1, in.received());
        }
    }

    @Test
    void aBulkReadOfMoreThanIsHereAsksForMoreAndAfterTheRewindTheSameBytesAreReadAgain() throws IOException {
        Client client = new Client().send("ab").send("cde");
        LoopInput in = new LoopInput(UNBOUNDED);
        assertEquals(5, receiveAll(in, client));

        // A request of a 2-byte header and an 8-byte body: 10 bytes from its start.
        assertEquals("ab", readAscii(in, 2));
        byte[] body = new byte[8];
        assertThrows(MoreInputNeeded.class, () -> in.readNBytes(body, 0, 8));
        in.rewind();
        assertFalse(in.ready(), "5 of the 10 bytes the request needs are here");

        client.send("fgh");
        receiveAll(in, client);
        assertFalse(in.ready(), "8 of 10");
        client.send("i");
        receiveAll(in, client);
        assertFalse(in.ready(), "9 of 10");
        client.send("j");
        receiveAll(in, client);
        assertTrue(in.ready(), "all 10 bytes of the request are here");

        assertEquals("ab", readAscii(in, 2), "the rewind went back to the request's start");
        assertEquals("cdefghij", readAscii(in, 8));
        in.commit(0);
        assertFalse(in.ready(), "the request was taken and nothing follows it");
    }

    @Test
    void aRewindReturnsToTheRequestStartNotToTheBufferStart() throws IOException {
        Client client = new Client().send("one|two");
        LoopInput in = new LoopInput(UNBOUNDED);
        receiveAll(in, client);
        assertEquals("one|", readAscii(in, 4));
        in.commit(0);
        assertEquals("two", readAscii(in, 3));
        assertThrows(MoreInputNeeded.class, in::read);
        in.rewind();
        assertEquals(3, in.available());
        assertEquals("two", readAscii(in, 3));
    }

    @Test
    void aCommitWithBytesUnreadStartsTheNextRequestThatFarBeforeTheCursor() throws IOException {
        Client client = new Client().send("get a\r\nget b\r\n");
        LoopInput in = new LoopInput(UNBOUNDED);
        receiveAll(in, client);

        // A reader that filled its own buffer with both requests but parsed only the first.
        byte[] readAhead = new byte[64];
        assertEquals(14, in.read(readAhead, 0, 64));
        in.commit(7);
        assertTrue(in.ready(), "the second request is here, in the reader's own buffer");
        assertEquals(0, in.available(), "the cursor stays where the reader got to");

        // The reader forgets what it holds (as after MoreInputNeeded); the rewind goes to "get b".
        assertThrows(MoreInputNeeded.class, in::read);
        in.rewind();
        assertEquals(7, in.available());
        assertEquals("get b\r\n", readAscii(in, 7));
        in.commit(0);
        assertFalse(in.ready());
        assertEquals(0, in.available());
    }

    @Test
    void aCommitWithBytesUnreadKeepsThemAcrossTheNextReceive() throws IOException {
        Client client = new Client().send("get a\r\nget");
        LoopInput in = new LoopInput(UNBOUNDED);
        receiveAll(in, client);
        byte[] readAhead = new byte[64];
        assertEquals(10, in.read(readAhead, 0, 64));
        in.commit(3); // "get" is the start of the next request, not yet whole
        assertThrows(MoreInputNeeded.class, in::read, "the reader wants the rest of its line");
        in.rewind();
        assertFalse(in.ready(), "the 3 bytes of the next request were there already: it needs a 4th");
        assertEquals("get", readAscii(in, 3), "after the rewind the reader sees them again");
        in.rewind();

        in.receive(client.send(" b\r\n"));
        assertTrue(in.ready());
        assertEquals("get b\r\n", readAscii(in, 7));
        in.commit(0);
        assertEquals(14, in.received());
    }

    /**
     * A request of a 4-byte header and a 10-byte body that its reader skips, followed by the
     * next request "NEXT". The body's first 4 bytes come with the header; the rest arrives as
     * {@code pieces} says, '|' between receives.
     */
    @ParameterizedTest
    @ValueSource(strings = {"456789NEXT", "456789|NEXT", "45|67|8|9NEXT", "4|5|6|7|8|9|N|E|X|T", "456|789N|EXT"})
    void theRestOfASkipIsDroppedAsItArrivesAndWhatFollowsIsReadNormally(String pieces) throws IOException {
        Client client = new Client().send("HEAD0123");
        LoopInput in = new LoopInput(UNBOUNDED);
        receiveAll(in, client);
        assertEquals("HEAD", readAscii(in, 4));
        in.skipNBytes(10); // 4 are here, 6 to come: no throw, the reader is done
        assertEquals(0, in.available());
        in.commit(0);
        assertFalse(in.ready(), "nothing of the next request yet");

        StringBuilder kept = new StringBuilder();
        for (String piece : pieces.split("\\|")) {
            assertEquals(piece.length(), in.receive(client.send(piece)), "receive counts dropped bytes too");
            if (in.available() > 0) {
                assertTrue(in.ready());
                kept.append(readAscii(in, in.available()));
                in.commit(0);
            } else {
                assertFalse(in.ready(), "only skipped bytes came: " + piece);
            }
        }
        assertEquals("NEXT", kept.toString(), "the 6 skipped bytes were dropped, the 4 after them kept");
        assertEquals(18, in.received(), "every byte received is counted, dropped or not");
        assertFalse(in.ready());
    }

    @Test
    void aSkipWhoseRestArrivesInOneReceiveWithTheNextRequestsReadsThemAll() throws IOException {
        Client client = new Client().send("HDR.");
        LoopInput in = new LoopInput(UNBOUNDED);
        receiveAll(in, client);
        assertEquals("HDR.", readAscii(in, 4));
        in.skipNBytes(1000);
        in.commit(0);

        byte[] rest = new byte[1000];
        Arrays.fill(rest, (byte) 'x');
        byte[] piece = new byte[1000 + 14];
        System.arraycopy(rest, 0, piece, 0, 1000);
        System.arraycopy(ascii("get a\r\nget b\r\n"), 0, piece, 1000, 14);
        assertEquals(1014, in.receive(client.send(piece)));
        assertTrue(in.ready());
        assertEquals(14, in.available());
        assertEquals("get a\r\n", readAscii(in, 7));
        in.commit(0);
        assertEquals("get b\r\n", readAscii(in, 7));
        in.commit(0);
        assertEquals(1018, in.received());
    }

    @Test
    void aSkipOfNothingMoreThanIsHereDropsNothingLater() throws IOException {
        Client client = new Client().send("HEAD0123");
        LoopInput in = new LoopInput(UNBOUNDED);
        receiveAll(in, client);
        assertEquals("HEAD", readAscii(in, 4));
        in.skipNBytes(4);
        in.commit(0);
        in.receive(client.send("NEXT"));
        assertEquals("NEXT", readAscii(in, 4));
    }

    @Test
    void aRewindAfterASkipForgetsTheSkipAndTheBytesAreNotDropped() throws IOException {
        Client client = new Client().send("HEAD0123");
        LoopInput in = new LoopInput(UNBOUNDED);
        receiveAll(in, client);
        assertEquals("HEAD", readAscii(in, 4));
        in.skipNBytes(10);
        assertThrows(MoreInputNeeded.class, in::read, "this reader wants a byte after the skipped ones");
        in.rewind();

        client.send("456789").send("NEXT");
        receiveAll(in, client);
        assertTrue(in.ready());
        assertEquals(18, in.available(), "none of the bytes after the rewound skip was dropped");
        assertEquals("HEAD0123456789NEXT", readAscii(in, 18));
        in.commit(0);

        client.send("more");
        receiveAll(in, client);
        assertEquals("more", readAscii(in, 4), "and none is dropped later either");
    }

    @Test
    void aCommittedSkipIsNotUndoneByALaterRewind() throws IOException {
        Client client = new Client().send("HEAD01");
        LoopInput in = new LoopInput(UNBOUNDED);
        receiveAll(in, client);
        assertEquals("HEAD", readAscii(in, 4));
        in.skipNBytes(6);
        in.commit(0);
        in.receive(client.send("23"));
        assertThrows(MoreInputNeeded.class, in::read, "the 2 bytes that came were dropped");
        in.rewind();
        in.receive(client.send("45NEXT"));
        assertEquals("NEXT", readAscii(in, 4));
    }

    /** How the stream ends: the client's end of stream on a real pipe, or {@link LoopInput#end()}. */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void afterTheEndReadsReturnWhatIsLeftThenMinusOne(boolean clientHangsUp) throws IOException {
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        try (Pipe.SourceChannel source = pipe.source()) {
            LoopInput in = new LoopInput(UNBOUNDED);
            pipe.sink().write(ByteBuffer.wrap(ascii("abc")));
            assertEquals(3, in.receive(source));
            assertFalse(in.ended());
            if (clientHangsUp) {
                pipe.sink().close();
                assertEquals(-1, in.receive(source));
            } else {
                in.end();
            }
            assertTrue(in.ended());
            assertTrue(in.ready(), "an ended input is always ready: the reader must see the end");

            assertEquals('a', in.read());
            byte[] b = new byte[10];
            assertEquals(2, in.read(b, 0, 10));
            assertEquals(-1, in.read(), "at the end, not MoreInputNeeded");
            assertEquals(-1, in.read(b, 0, 10));
            assertEquals(0, in.readNBytes(b, 0, 10));

            in.rewind();
            assertEquals(3, in.readNBytes(b, 0, 10), "a short count instead of a throw");
            assertArrayEquals(ascii("abc"), Arrays.copyOf(b, 3));

            in.rewind();
            assertThrows(EOFException.class, () -> in.skipNBytes(10));
            in.rewind();
            in.skipNBytes(3);
            assertEquals(-1, in.read());
            in.commit(0);
            assertTrue(in.ready(), "still ready with nothing left: the end is there to read");
            assertEquals(-1, in.read());
            assertEquals(3, in.received());
        } finally {
            pipe.sink().close();
        }
    }

    @Test
    void anEndedInputWithNothingBufferedIsReadyAndReadsMinusOne() throws IOException {
        Client client = new Client();
        client.hangUp();
        LoopInput in = new LoopInput(UNBOUNDED);
        assertFalse(in.ready());
        assertEquals(-1, in.receive(client));
        assertTrue(in.ready());
        assertEquals(-1, in.read());
        assertEquals(0, in.readNBytes(new byte[4], 0, 4));
        assertThrows(EOFException.class, () -> in.skipNBytes(1));
        assertEquals(0, in.received());
    }

    @Test
    void theBufferGrowsForARequestLargerThanItAndThenServesSmallOnes() throws IOException {
        byte[] big = pattern(100 * 1024, 7);
        byte[] stream = new byte[4 + 2 + 4 + big.length + 4 + 2];
        ByteBuffer.wrap(stream).put(framed(ascii("hi"))).put(framed(big)).put(framed(ascii("ok")));
        assertTrue(big.length > LoopInput.INITIAL_BYTES * 6);

        Client client = new Client();
        LoopInput in = new LoopInput(UNBOUNDED);
        int piece = 3000;
        int tries = 0;
        int bigTries = 0;
        List<byte[]> requests = new ArrayList<>();
        for (int at = 0; at < stream.length; at += piece) {
            client.send(Arrays.copyOfRange(stream, at, Math.min(stream.length, at + piece)));
            receiveAll(in, client);
            while (in.ready()) {
                tries++;
                if (requests.size() == 1) {
                    bigTries++;
                }
                try {
                    requests.add(readFramed(in));
                } catch (MoreInputNeeded e) {
                    in.rewind();
                    break;
                }
                in.commit(0);
            }
        }
        // A buffer grown to the large request's size was full with it: what followed waited
        // unread until the request was taken, as in a socket, and comes in now.
        receiveAll(in, client);
        requests.add(readFramed(in));
        in.commit(0);
        assertEquals(3, requests.size(), "three requests read");
        assertArrayEquals(ascii("hi"), requests.get(0));
        assertArrayEquals(big, requests.get(1), "the 100 KiB request, byte for byte");
        assertArrayEquals(ascii("ok"), requests.get(2));
        assertEquals(2, bigTries, "the large request is tried when it starts and again once whole, not once per piece");
        assertTrue(tries <= 5, "tries: " + tries);
        assertEquals(stream.length, in.received());
        assertFalse(in.ready());

        client.send(framed(ascii("after")));
        receiveAll(in, client);
        assertArrayEquals(ascii("after"), readFramed(in), "a small request after the large one");
        in.commit(0);
        assertEquals(stream.length + 9, in.received());
    }

    @Test
    void aRequestMuchLargerThanTheBufferArrivingInOneGoIsReadWhole() throws IOException {
        byte[] big = pattern(1024 * 1024 + 17, 3);
        Client client = new Client().send(framed(big)).send(framed(ascii("tail")));
        LoopInput in = new LoopInput(UNBOUNDED);
        receiveAll(in, client);
        assertEquals(LoopInput.INITIAL_BYTES, in.available(), "a full buffer grows only for a request that asks");
        assertThrows(MoreInputNeeded.class, () -> readFramed(in));
        in.rewind();
        receiveAll(in, client);
        assertEquals(4 + big.length, in.buffer().length, "grown once, to what the request asked for");
        assertArrayEquals(big, readFramed(in), "all of it came in the second receiveAll");
        in.commit(0);
        assertEquals(LoopInput.INITIAL_BYTES, in.buffer().length, "the large request is over");
        receiveAll(in, client);
        assertArrayEquals(ascii("tail"), readFramed(in));
        assertEquals(4 + big.length + 8, in.received());
    }

    @Test
    void aRequestWhoseMemoryIsNotThereWaitsUnreadAndGetsAllItNeedsOnceItIs() throws IOException {
        byte[] big = pattern(100_000, 11);
        int grown = 4 + big.length - LoopInput.INITIAL_BYTES; // what the request's buffer needs beyond its first
        ClientMemory memory = new ClientMemory(2L * grown); // a new share may take half
        Client client = new Client().send(framed(big)).send(framed(ascii("next")));
        LoopInput in = new LoopInput(memory);
        receiveAll(in, client);
        assertThrows(MoreInputNeeded.class, () -> readFramed(in));
        in.rewind();

        assertTrue(memory.tryTake(1, false), "another connection holds one byte");
        assertEquals(0, in.receive(client), "one byte short: nothing is read");
        assertTrue(in.starved());
        assertFalse(in.resume(), "still short");
        assertEquals(LoopInput.INITIAL_BYTES, in.received(), "nothing read while waiting");

        memory.give(1);
        assertTrue(in.resume(), "exactly half the limit");
        assertFalse(in.starved());
        assertEquals(grown, memory.used(), "the whole request's growth, taken at once");
        receiveAll(in, client);
        assertArrayEquals(big, readFramed(in));
        in.commit(0);
        assertEquals(0, memory.used(), "given back once the request is taken");
        receiveAll(in, client);
        assertArrayEquals(ascii("next"), readFramed(in));
    }

    @Test
    void aLineThatOutgrowsTheBufferTakesMemoryForTheLongestLineAtOnce() throws IOException {
        ClientMemory memory = new ClientMemory(2L * LoopInput.LINE_GROWTH_BYTES);
        byte[] keys = ascii("get" + " k".repeat(10_000) + "\r\n");
        assertTrue(keys.length > LoopInput.INITIAL_BYTES);
        Client client = new Client().send(keys);
        LoopInput in = new LoopInput(memory);
        receiveAll(in, client);
        MemcachedTextReader reader = new MemcachedTextReader(in, 1 << 20);
        assertThrows(MoreInputNeeded.class, reader::read, "no line end yet");
        in.rewind();
        reader.forgetUnread();
        receiveAll(in, client);
        assertEquals(LoopInput.LINE_GROWTH_BYTES, in.buffer().length, "a line does not say how long it is");
        assertEquals(LoopInput.LINE_GROWTH_BYTES - LoopInput.INITIAL_BYTES, memory.used());
        reader.read();
        in.commit(reader.unread());
        assertEquals(0, memory.used());
    }

    @Test
    void whatFollowsALargeRequestIsKeptWhenItsBufferShrinks() throws IOException {
        ClientMemory memory = new ClientMemory(1 << 20);
        byte[] big = pattern(20_000, 12); // the buffer grows by 16 KiB at least: room for what follows
        byte[] part = Arrays.copyOf(framed(ascii("a small request")), 10);
        Client client = new Client().send(framed(big));
        LoopInput in = new LoopInput(memory);
        receiveAll(in, client);
        assertThrows(MoreInputNeeded.class, () -> readFramed(in));
        in.rewind();
        client.send(part);
        receiveAll(in, client);
        receiveAll(in, client);
        assertArrayEquals(big, readFramed(in));
        in.commit(0);
        assertEquals(0, memory.used());
        assertEquals(LoopInput.INITIAL_BYTES, in.buffer().length);
        assertEquals(part.length, in.available(), "the start of the next request is kept");
    }

    @Test
    void aClosingConnectionGivesItsShareBack() throws IOException {
        ClientMemory memory = new ClientMemory(1 << 20);
        Client client = new Client().send(framed(pattern(50_000, 13)));
        LoopInput in = new LoopInput(memory);
        receiveAll(in, client);
        assertThrows(MoreInputNeeded.class, () -> readFramed(in));
        in.rewind();
        receiveAll(in, client);
        assertTrue(memory.used() > 0);
        in.release();
        assertEquals(0, memory.used());
        assertTrue(in.ended());
    }

    /** A reader of one protocol over an input, as a session holds it, and what the session does after {@link MoreInputNeeded}. */
    private record ReaderUnderTest(Callable<Object> read, Runnable forgetUnread) {}

    private static ReaderUnderTest reader(String protocol, LoopInput in) {
        return switch (protocol) {
            case "memcached text" -> {
                MemcachedTextReader r = new MemcachedTextReader(in, 1 << 20);
                yield new ReaderUnderTest(r::read, r::forgetUnread);
            }
            case "memcached binary" -> {
                MemcachedBinaryReader r = new MemcachedBinaryReader(in, 1 << 20);
                yield new ReaderUnderTest(r::read, r::forgetUnread);
            }
            default -> new ReaderUnderTest(new SpeicherFrameReader(in, (1 << 20) + 64 * 1024)::read, () -> {});
        };
    }

    /** A set of a 1 MiB value of 'x' under key k, in each protocol. */
    private static byte[] largeSet(String protocol) {
        int n = 1 << 20;
        byte[] value = new byte[n];
        Arrays.fill(value, (byte) 'x');
        return switch (protocol) {
            case "memcached text" -> ByteBuffer.allocate(19 + n + 2).put(ascii("set k 0 0 1048576\r\n"))
                    .put(value).put(ascii("\r\n")).array();
            case "memcached binary" -> ByteBuffer.allocate(24 + 8 + 1 + n).put((byte) 0x80).put((byte) 0x01)
                    .putShort((short) 1).put((byte) 8).put((byte) 0).putShort((short) 0).putInt(8 + 1 + n)
                    .putInt(0).putLong(0).putInt(0).putInt(0).put(ascii("k")).put(value).array();
            default -> framed(ByteBuffer.allocate(36 + n + 2).put(ascii("{\"command\":\"SET\",\"key\":\"k\",\"value\":\""))
                    .put(value).put(ascii("\"}")).array());
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"memcached text", "memcached binary", "speicher"})
    void eachReaderSaysHowLargeItsRequestIsAndTheBufferGrowsOnceToExactlyThat(String protocol) throws Exception {
        byte[] request = largeSet(protocol);
        ClientMemory memory = new ClientMemory(4L << 20);
        Client client = new Client().send(request);
        LoopInput in = new LoopInput(memory);
        ReaderUnderTest reader = reader(protocol, in);
        receiveAll(in, client);
        assertThrows(MoreInputNeeded.class, reader.read()::call);
        in.rewind();
        reader.forgetUnread().run();
        receiveAll(in, client);
        assertEquals(request.length, in.buffer().length, "grown once, to the request");
        assertEquals(request.length - LoopInput.INITIAL_BYTES, memory.used());
        assertTrue(reader.read().call() != null);
        assertEquals(request.length, in.received());
    }
}
