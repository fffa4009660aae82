package dev.speicherd.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.WritableByteChannel;
import org.junit.jupiter.api.Test;

/**
 * The event loop's output: answers held in order until sent, what a full socket does not take
 * kept for a later send, and an answer of several MiB held and delivered whole.
 */
final class LoopOutputTest {

    /** A socket stand-in that takes at most {@code perCall} bytes per write, and keeps them. */
    private static final class Peer implements WritableByteChannel {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        int perCall;
        int calls;

        Peer(int perCall) {
            this.perCall = perCall;
        }

        @Override
        public int write(ByteBuffer src) {
            calls++;
            int n = Math.min(perCall, src.remaining());
            byte[] b = new byte[n];
            src.get(b);
            got.writeBytes(b);
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

    /** An output with all the memory it asks for, so that it sends only when a test does. */
    private static LoopOutput output(WritableByteChannel channel) {
        return output(channel, LoopOutput.MAX_PENDING_BYTES);
    }

    private static LoopOutput output(WritableByteChannel channel, int maxPending) {
        return new LoopOutput(new ClientMemory(Long.MAX_VALUE / 4), channel, maxPending);
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 131 + seed + (i >>> 10));
        }
        return b;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /** Sends until everything pending has left; returns the number of sends. */
    private static int sendAll(LoopOutput out) throws IOException {
        int sends = 0;
        while (out.pending() > 0) {
            int n = out.send();
            assertTrue(n > 0, "a peer that always takes something took nothing");
            sends++;
        }
        return sends;
    }

    @Test
    void bytesWrittenAreSentInTheOrderWritten() throws IOException {
        Peer peer = new Peer(Integer.MAX_VALUE);
        LoopOutput out = output(peer);
        assertEquals(0, out.pending());
        assertEquals(0, out.send(), "nothing to send");
        assertEquals(0, peer.calls, "and the socket is not asked");

        out.write('V');
        out.write("ALUE k 0 3\r\n".getBytes(US_ASCII));
        out.write("xxabcyy".getBytes(US_ASCII), 2, 3);
        out.write("\r\nEND\r\n".getBytes(US_ASCII));
        assertEquals(23, out.pending());
        out.flush();
        assertEquals(23, out.pending(), "flush sends nothing: the loop sends after the batch");
        assertEquals(0, peer.calls);

        assertEquals(23, out.send());
        assertEquals(0, out.pending());
        assertEquals("VALUE k 0 3\r\nabc\r\nEND\r\n", peer.got.toString(US_ASCII));
        assertEquals(0, out.send());
    }

    @Test
    void whatTheSocketDoesNotTakeStaysPendingAndALaterSendDeliversIt() throws IOException {
        Peer peer = new Peer(1000);
        LoopOutput out = output(peer);
        byte[] first = pattern(10_000, 1);
        out.write(first);

        assertEquals(1000, out.send());
        assertEquals(9000, out.pending());
        assertEquals(1000, out.send());
        assertEquals(8000, out.pending());

        // Answers written while some are still pending go after them.
        byte[] second = pattern(12_000, 2);
        out.write(second);
        out.write(77);
        assertEquals(8000 + 12_000 + 1, out.pending());

        peer.perCall = 3333;
        sendAll(out);
        assertEquals(0, out.pending());
        assertArrayEquals(concat(first, second, new byte[] {77}), peer.got.toByteArray(), "byte for byte, in order");
    }

    @Test
    void writesThatWouldOverrunTheBufferAfterAPartialSendKeepTheOrder() throws IOException {
        Peer peer = new Peer(LoopOutput.INITIAL_BYTES - 10);
        LoopOutput out = output(peer);
        byte[] a = pattern(LoopOutput.INITIAL_BYTES - 5, 3); // nearly fills the first buffer
        out.write(a);
        out.send(); // all but 5 leave: the 5 are at the buffer's far end
        assertEquals(5, out.pending());
        byte[] b = pattern(LoopOutput.INITIAL_BYTES - 100, 4); // fits only once the 5 move to the front
        out.write(b);
        byte[] c = pattern(3 * LoopOutput.INITIAL_BYTES, 5); // needs a larger buffer
        out.write(c);
        sendAll(out);
        assertArrayEquals(concat(a, b, c), peer.got.toByteArray());
    }

    @Test
    void aNonBlockingPipeThatFillsLeavesTheRestPendingUntilItIsDrained() throws IOException {
        Pipe pipe = Pipe.open();
        try (Pipe.SinkChannel sink = pipe.sink(); Pipe.SourceChannel source = pipe.source()) {
            sink.configureBlocking(false);
            LoopOutput out = output(sink);
            byte[] answers = pattern(2 * 1024 * 1024 + 3, 6);
            out.write(answers);

            int sent = out.send();
            assertTrue(sent > 0, "the pipe takes something");
            while (out.send() > 0) {
                // fill the pipe as far as it goes
            }
            int pending = out.pending();
            assertTrue(pending > 0, "a pipe does not take 2 MiB at once");
            assertEquals(0, out.send(), "the pipe is full");
            assertEquals(pending, out.pending());

            ByteArrayOutputStream got = new ByteArrayOutputStream();
            ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
            while (got.size() < answers.length) {
                int n = source.read(chunk.clear()); // blocking: the pipe holds bytes, or the send below adds some
                got.write(chunk.array(), 0, n);
                out.send();
            }
            assertEquals(0, out.pending());
            assertArrayEquals(answers, got.toByteArray(), "byte for byte");

            out.write("small".getBytes(US_ASCII));
            assertEquals(5, out.send(), "after a large answer, a small one");
            assertEquals(5, source.read(chunk.clear()));
            assertEquals("small", new String(chunk.array(), 0, 5, US_ASCII));
        }
    }

    @Test
    void aWriteOfSeveralMebibytesIsHeldWholeAndDeliveredWhole() throws IOException {
        Peer peer = new Peer(256 * 1024);
        LoopOutput out = output(peer);
        byte[] header = "VALUE big 0 6291456\r\n".getBytes(US_ASCII);
        byte[] value = pattern(6 * 1024 * 1024, 7);
        byte[] trailer = "\r\nEND\r\n".getBytes(US_ASCII);
        out.write(header);
        out.write(value);
        out.write(trailer);
        int total = header.length + value.length + trailer.length;
        assertEquals(total, out.pending(), "held whole, however small the first buffer");

        int sends = sendAll(out);
        assertTrue(sends >= total / (256 * 1024), "sends: " + sends);
        assertArrayEquals(concat(header, value, trailer), peer.got.toByteArray());

        // The buffer went back to its first size; answers after it still go out in order.
        out.write("STORED\r\n".getBytes(US_ASCII));
        out.write(pattern(LoopOutput.INITIAL_BYTES * 2, 8));
        sendAll(out);
        byte[] all = peer.got.toByteArray();
        byte[] tail = new byte[8 + LoopOutput.INITIAL_BYTES * 2];
        System.arraycopy(all, total, tail, 0, tail.length);
        assertArrayEquals(concat("STORED\r\n".getBytes(US_ASCII), pattern(LoopOutput.INITIAL_BYTES * 2, 8)), tail);
        assertEquals(total + tail.length, all.length);
    }

    @Test
    void manySmallWritesOfSeveralMebibytesInAllAreDeliveredInOrder() throws IOException {
        Peer peer = new Peer(100_003);
        LoopOutput out = output(peer);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        for (int i = 0; i < 200_000; i++) {
            byte[] line = ("VALUE k" + i + " 0 1\r\nx\r\n").getBytes(US_ASCII);
            out.write(line);
            expected.writeBytes(line);
        }
        assertTrue(expected.size() > 3 * 1024 * 1024);
        assertEquals(expected.size(), out.pending());
        sendAll(out);
        assertArrayEquals(expected.toByteArray(), peer.got.toByteArray());
    }

    @Test
    void answersFillThePendingLimitExactlyAndOneByteMoreFailsWithoutLosingWhatIsHeld() throws IOException {
        // A limit that is not a power of two times the first buffer, so that growth by doubling
        // would overshoot it: the buffer must stop at the limit, not refuse before it.
        int limit = LoopOutput.INITIAL_BYTES * 5 + 3;
        Peer peer = new Peer(0); // takes nothing until the test lets it: the answers stay pending
        LoopOutput out = output(peer, limit);
        byte[] answer = pattern(limit - 1, 9);
        out.write(answer);
        out.write('!');
        assertEquals(limit, out.pending(), "exactly at the limit");

        IOException past = assertThrows(IOException.class, () -> out.write('?'));
        assertTrue(past.getMessage().contains((limit + 1) + " bytes") && past.getMessage().contains("most is " + limit),
                past.getMessage());
        IOException pastByMany = assertThrows(IOException.class, () -> out.write(new byte[4096]));
        assertTrue(pastByMany.getMessage().contains((limit + 4096) + " bytes"), pastByMany.getMessage());
        assertEquals(limit, out.pending(), "a refused write adds nothing");

        // What was held still goes out whole, and then the limit applies afresh.
        peer.perCall = 7_000;
        sendAll(out);
        assertArrayEquals(concat(answer, new byte[] {'!'}), peer.got.toByteArray());
        out.write(pattern(limit, 10));
        assertEquals(limit, out.pending());
    }

    @Test
    void theSmallestLimitIsTheFirstBufferAndALimitOutsideTheRangeIsRefused() throws IOException {
        LoopOutput smallest = output(new Peer(0), LoopOutput.INITIAL_BYTES);
        smallest.write(new byte[LoopOutput.INITIAL_BYTES]);
        assertEquals(LoopOutput.INITIAL_BYTES, smallest.pending());
        assertThrows(IOException.class, () -> smallest.write(0));
        assertThrows(IllegalArgumentException.class, () -> output(new Peer(0), LoopOutput.INITIAL_BYTES - 1));
        assertThrows(IllegalArgumentException.class, () -> output(new Peer(0), LoopOutput.MAX_PENDING_BYTES + 1));
    }

    @Test
    void anAnswerWhoseMemoryIsNotThereGoesToTheSocketAsItIsMade() throws IOException {
        ClientMemory memory = new ClientMemory(1);
        Peer peer = new Peer(Integer.MAX_VALUE);
        LoopOutput out = new LoopOutput(memory, peer, LoopOutput.MAX_PENDING_BYTES);
        byte[] answer = pattern(3 * 1024 * 1024 + 5, 14);
        out.write("VALUE big 0 3145733\r\n".getBytes(US_ASCII));
        out.write(answer);
        assertEquals(0, memory.used(), "the buffer never grew");
        assertTrue(out.pending() <= LoopOutput.INITIAL_BYTES);
        sendAll(out);
        assertArrayEquals(concat("VALUE big 0 3145733\r\n".getBytes(US_ASCII), answer), peer.got.toByteArray());
    }

    @Test
    void anAnswerWhoseMemoryIsNotThereGoesToTheOverflowAndTheBatchesToTheChannel() throws IOException {
        ClientMemory memory = new ClientMemory(1);
        Peer channel = new Peer(0); // takes nothing now, as netty's queue when full
        Peer overflow = new Peer(Integer.MAX_VALUE);
        LoopOutput out = new LoopOutput(memory, channel, overflow);
        byte[] answer = pattern(LoopOutput.INITIAL_BYTES * 3 + 7, 17);
        out.write(answer);
        assertEquals(0, memory.used(), "the buffer never grew");
        assertEquals(0, channel.calls, "nothing was sent before a send");
        assertEquals(LoopOutput.INITIAL_BYTES * 3, overflow.got.size(), "each full buffer went to the overflow");
        channel.perCall = Integer.MAX_VALUE;
        assertEquals(7, out.send(), "the rest leaves with the batch, through the channel");
        assertArrayEquals(answer, concat(overflow.got.toByteArray(), channel.got.toByteArray()));
    }

    @Test
    void anAnswerThatNeitherFitsTheMemoryLeftNorLeavesFailsItsConnection() throws IOException {
        int limit = 3 * LoopOutput.INITIAL_BYTES;
        ClientMemory memory = new ClientMemory(limit);
        LoopOutput out = new LoopOutput(memory, new Peer(0), LoopOutput.MAX_PENDING_BYTES);
        out.write(pattern(LoopOutput.INITIAL_BYTES * 2, 15)); // a new share of 16 KiB, under half the limit
        assertEquals(LoopOutput.INITIAL_BYTES, memory.used());
        out.write(pattern(LoopOutput.INITIAL_BYTES * 2, 16)); // a held share grows to the limit: 48 KiB
        assertEquals(limit, memory.used());
        IOException e = assertThrows(IOException.class, () -> out.write(1));
        assertTrue(e.getMessage().contains("--client-memory " + limit + " bytes, " + limit + " in use"), e.getMessage());
        out.release();
        assertEquals(0, memory.used(), "a closing connection gives its share back");
    }

    @Test
    void aGrownBufferGivesItsShareBackOnceTheAnswerHasLeft() throws IOException {
        ClientMemory memory = new ClientMemory(1 << 20);
        Peer peer = new Peer(30_000);
        LoopOutput out = new LoopOutput(memory, peer, LoopOutput.MAX_PENDING_BYTES);
        out.write(pattern(100_000, 17));
        assertEquals(100_000 - LoopOutput.INITIAL_BYTES, memory.used(), "grown to the answer, held whole");
        out.send();
        assertEquals(100_000 - LoopOutput.INITIAL_BYTES, memory.used(), "still partly pending");
        sendAll(out);
        assertEquals(0, memory.used());
    }

    @Test
    void underASyncingChannelNoByteLeavesBeforeTheSync() throws IOException {
        Peer peer = new Peer(Integer.MAX_VALUE);
        int[] asked = {0};
        boolean[] durable = {false};
        SyncingChannel socket = new SyncingChannel(peer, () -> {
            asked[0]++;
            if (!durable[0]) {
                throw new IllegalStateException("the sync failed");
            }
        });
        LoopOutput out = new LoopOutput(new ClientMemory(1 << 20), socket);
        assertEquals(0, out.send(), "nothing pending: nothing to wait for");
        assertEquals(0, asked[0]);
        out.write("STORED\r\n".getBytes(US_ASCII));
        assertThrows(IllegalStateException.class, out::send);
        assertEquals(0, peer.calls, "an answer whose sync failed never reaches the socket");
        durable[0] = true;
        assertEquals(8, out.send());
        assertEquals(2, asked[0]);
        assertEquals("STORED\r\n", peer.got.toString(US_ASCII));
    }

    @Test
    void anAnswerSentAsItIsMadeWaitsForTheSyncToo() throws IOException {
        Peer peer = new Peer(Integer.MAX_VALUE);
        int[] asked = {0};
        LoopOutput out = new LoopOutput(new ClientMemory(1), new SyncingChannel(peer, () -> asked[0]++));
        out.write(pattern(LoopOutput.INITIAL_BYTES + 1, 18)); // no memory to grow: the first 16 KiB leave now
        assertEquals(1, asked[0]);
        assertEquals(LoopOutput.INITIAL_BYTES, peer.got.size());
    }
}
