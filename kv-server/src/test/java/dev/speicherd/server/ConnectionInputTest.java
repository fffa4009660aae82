package dev.speicherd.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ConnectionInputTest {

    /** A socket stand-in that counts reads and hands out at most {@code chunk} bytes per read. */
    private static final class Chunked extends InputStream {
        final ByteArrayInputStream data;
        final int chunk;
        int reads;
        int availableCalls;

        Chunked(byte[] data, int chunk) {
            this.data = new ByteArrayInputStream(data);
            this.chunk = chunk;
        }

        @Override
        public int read() {
            reads++;
            return data.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            reads++;
            return data.read(b, off, Math.min(len, chunk));
        }

        @Override
        public int available() {
            availableCalls++;
            return data.available();
        }
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) i;
        }
        return b;
    }

    @Test
    void peekDoesNotConsume() throws IOException {
        ConnectionInput in = new ConnectionInput(new Chunked(new byte[] {7, 8}, 10), 16);
        assertEquals(7, in.peek());
        assertEquals(7, in.peek());
        assertEquals(7, in.read());
        assertEquals(8, in.read());
        assertEquals(-1, in.peek());
    }

    @Test
    void aBulkReadMakesOneSocketReadAndNeverAsksWhatIsAvailable() throws IOException {
        Chunked socket = new Chunked(bytes(100), 30);
        ConnectionInput in = new ConnectionInput(socket, 16);
        byte[] into = new byte[64];
        assertEquals(30, in.read(into, 0, 64), "a large read goes straight to the socket, once");
        assertEquals(1, socket.reads);
        assertEquals(10, in.read(into, 30, 10), "a small read fills the buffer with one socket read");
        assertEquals(2, socket.reads);
        assertEquals(6, in.read(into, 40, 24), "then what is buffered, without another read");
        assertEquals(2, socket.reads);
        assertEquals(0, socket.availableCalls);
        assertArrayEquals(Arrays.copyOf(bytes(100), 46), Arrays.copyOf(into, 46));
    }

    @Test
    void availableCountsWhatIsBufferedWithoutAskingTheSocket() throws IOException {
        Chunked socket = new Chunked(bytes(100), 30);
        ConnectionInput in = new ConnectionInput(socket, 16);
        assertEquals(0, in.available());
        in.read();
        assertEquals(15, in.available());
        assertEquals(0, socket.availableCalls);
    }

    @Test
    void theEndOfInputIsMinusOne() throws IOException {
        ConnectionInput in = new ConnectionInput(new Chunked(bytes(3), 10), 16);
        byte[] into = new byte[8];
        assertEquals(3, in.read(into, 0, 8));
        assertEquals(-1, in.read(into, 0, 8));
        assertEquals(0, in.read(into, 0, 0));
    }
}
