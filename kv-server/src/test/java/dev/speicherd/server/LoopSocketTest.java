package dev.speicherd.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A connection's socket read and written through a direct buffer smaller than what a call moves,
 * over a real loopback connection: every byte arrives once and in order, a full socket ends a
 * write part way and the rest goes later, and the end of stream is reported after the data.
 */
final class LoopSocketTest {

    /** Small, so that every call below goes through the buffer many times. */
    private static final int TRANSFER_BYTES = 1000;

    private SocketChannel ours;
    private SocketChannel peer;
    private LoopSocket socket;

    @BeforeEach
    void connect() throws IOException {
        try (ServerSocketChannel listener = ServerSocketChannel.open()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            peer = SocketChannel.open(listener.getLocalAddress());
            ours = listener.accept();
        }
        ours.configureBlocking(false);
        socket = new LoopSocket(ours, ByteBuffer.allocateDirect(TRANSFER_BYTES));
    }

    @AfterEach
    void close() throws IOException {
        ours.close();
        peer.close();
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + i / 251);
        }
        return bytes;
    }

    /** Reads from the peer's side until {@code length} bytes have come. */
    private byte[] peerReads(int length) throws IOException {
        ByteBuffer got = ByteBuffer.allocate(length);
        while (got.hasRemaining()) {
            peer.read(got);
        }
        return got.array();
    }

    @Test
    void aWriteLargerThanTheBufferLeavesWholeAndInOrder() throws IOException {
        byte[] answers = pattern(10 * TRANSFER_BYTES + 7);
        ByteBuffer src = ByteBuffer.wrap(answers);

        assertEquals(answers.length, socket.write(src), "an idle loopback socket takes 10 KB at once");
        assertEquals(answers.length, src.position());
        assertArrayEquals(answers, peerReads(answers.length));
    }

    @Test
    void aFullSocketEndsTheWritePartWayAndTheRestGoesLater() throws IOException {
        byte[] answers = pattern(16 * 1024 * 1024);
        ByteBuffer src = ByteBuffer.wrap(answers);

        int first = socket.write(src);
        assertTrue(first > 0 && first < answers.length, "the socket took " + first + " of 16 MiB");
        assertEquals(first, src.position(), "the source moved by what the socket took, no more");
        assertEquals(0, socket.write(src), "a full socket takes nothing");

        ByteArrayOutputStream got = new ByteArrayOutputStream();
        ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
        while (got.size() < answers.length) {
            int n = peer.read(chunk.clear());
            got.write(chunk.array(), 0, n);
            socket.write(src);
        }
        assertEquals(answers.length, src.position());
        assertArrayEquals(answers, got.toByteArray());
    }

    @Test
    void aReadTakesWhatTheSocketHasBeyondOneBufferUpToTheRoomGiven() throws IOException {
        byte[] requests = pattern(5 * TRANSFER_BYTES + 3);
        peer.write(ByteBuffer.wrap(requests));
        ByteBuffer dst = ByteBuffer.allocate(3 * TRANSFER_BYTES + 1);

        int total = 0;
        while (total < dst.capacity()) { // loopback delivers at once, but a read may still see part
            total += socket.read(dst);
        }
        assertEquals(dst.capacity(), total, "no more than the room given");
        ByteBuffer rest = ByteBuffer.allocate(requests.length);
        rest.put(dst.array());
        while (rest.hasRemaining()) {
            socket.read(rest);
        }
        assertArrayEquals(requests, rest.array());
    }

    @Test
    void theEndOfStreamComesAfterTheDataEvenWhenTheyArriveTogether() throws IOException {
        byte[] requests = pattern(2 * TRANSFER_BYTES); // exactly two buffers: the loop reads once more
        peer.write(ByteBuffer.wrap(requests));
        peer.shutdownOutput();
        ByteBuffer dst = ByteBuffer.allocate(4 * TRANSFER_BYTES);

        int n;
        int total = 0;
        while ((n = socket.read(dst)) >= 0) {
            total += n;
            assertTrue(n > 0 || total < requests.length, "after the data, the next read is the end");
        }
        assertEquals(requests.length, total);
        assertArrayEquals(requests, Arrays.copyOf(dst.array(), total));
        assertEquals(-1, socket.read(dst.clear()), "and stays the end");
    }

    @Test
    void dropReadsAndForgetsUpToOneBufferAtATime() throws IOException {
        peer.write(ByteBuffer.wrap(pattern(TRANSFER_BYTES + 10)));
        peer.shutdownOutput();

        long dropped = 0;
        int n;
        while ((n = socket.drop()) >= 0) {
            assertTrue(n <= TRANSFER_BYTES, "one buffer at most: " + n);
            dropped += n;
        }
        assertEquals(TRANSFER_BYTES + 10, dropped);
    }
}
