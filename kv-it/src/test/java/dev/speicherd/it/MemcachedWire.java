package dev.speicherd.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** memcached text over a plain socket, for tests that send exactly the bytes they mean. */
final class MemcachedWire implements AutoCloseable {

    static final int TIMEOUT_MILLIS = 10_000;

    final Socket socket;
    final OutputStream out;
    final InputStream in;

    MemcachedWire(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    }

    MemcachedWire send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    MemcachedWire send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one line, without its CRLF; null at end of stream. */
    String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b; (b = in.read()) != -1; ) {
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int n = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, n, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    /** Sends a command and reads one reply line. */
    String call(String command) throws IOException {
        return send(command).line();
    }

    /** Reads lines up to and including END, joined with "|". */
    String untilEnd() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String l; (l = line()) != null; ) {
            b.append(b.isEmpty() ? "" : "|").append(l);
            if (l.equals("END")) {
                break;
            }
        }
        return b.toString();
    }

    /** Asks for {@code stats} and returns the one named. */
    long stat(String name) throws IOException {
        String prefix = "STAT " + name + " ";
        for (String stat : send("stats\r\n").untilEnd().split("\\|")) {
            if (stat.startsWith(prefix)) {
                return Long.parseLong(stat.substring(prefix.length()));
            }
        }
        throw new AssertionError("no " + name + " in stats");
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
