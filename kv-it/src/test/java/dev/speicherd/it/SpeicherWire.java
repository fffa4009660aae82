package dev.speicherd.it;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Raw speicher frames over a plain socket, for tests that must send what no client would. */
final class SpeicherWire implements AutoCloseable {

    static final int TIMEOUT_MILLIS = 10_000;

    final Socket socket;
    final OutputStream out;
    final DataInputStream in;

    SpeicherWire(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    /** A frame: the 4-byte big-endian length, then the UTF-8 of {@code json}. */
    static byte[] frame(String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    /** Sends raw bytes. */
    SpeicherWire send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Sends one request frame and reads its reply. */
    JsonObject call(String json) throws IOException {
        send(frame(json));
        return reply();
    }

    /** Reads one reply frame. */
    JsonObject reply() throws IOException {
        int length = in.readInt();
        byte[] body = new byte[length];
        in.readFully(body);
        return JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    /** Whether the server has closed the connection (reads end of stream within the timeout). */
    static boolean closedByServer(InputStream in) throws IOException {
        return in.read() == -1;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
