package dev.speicherd.bench.ceiling;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Lookup;
import dev.speicherd.storage.MemoryStore;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bare design answers memaslap's two commands, whole or split across writes. The netty
 * transports run where netty's native library loads and, for io_uring, where the kernel allows it.
 */
class BareServerTest {

    private static final String VALUE = "x".repeat(100);

    @ParameterizedTest
    @ValueSource(strings = {"threads", "loop", "turn", "epoll", "io_uring"})
    void answersGetsAndSetsWholeOrSplit(String design) throws Exception {
        try (BareServer.BoundServer server = start(design);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String expected = "STORED\r\nVALUE key:1 0 100\r\n" + VALUE + "\r\nEND\r\nERROR\r\n";

            out.write("set key:1 0 0 3\r\nabc\r\nget key:1\r\nbogus\r\n".getBytes(US_ASCII));
            out.flush();
            assertEquals(expected, read(in, expected.length()));

            // The same requests cut in the middle of a line and of a data block.
            for (String part : new String[] {"set key:1 0 ", "0 3\r\na", "bc\r\nget k", "ey:1\r\nbogus\r\n"}) {
                out.write(part.getBytes(US_ASCII));
                out.flush();
                Thread.sleep(20); // so that each part arrives on its own
            }
            assertEquals(expected, read(in, expected.length()));
        }
    }

    /** With a store, gets answer what sets stored, and a key never set gets only {@code END}. */
    @ParameterizedTest
    @ValueSource(strings = {"epoll", "io_uring"})
    void answersFromTheStoreWhenGivenOne(String transport) throws Exception {
        assumeTrue(NettyBareServer.available(transport), () -> "netty " + transport + " cannot run here");
        try (MemoryStore store = new MemoryStore(Clock.system(), NettyBareServer.STORE_BYTES);
                BareServer.BoundServer server = NettyBareServer.start(transport, 0, 2, store);
                Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            String expected = "END\r\nSTORED\r\nVALUE key:1 0 3\r\nabc\r\nEND\r\n";

            out.write("get key:1\r\nset key:1 0 0 3\r\nabc\r\nget key:1\r\n".getBytes(US_ASCII));
            out.flush();
            assertEquals(expected, read(socket.getInputStream(), expected.length()));
            assertEquals("abc", new String(((Lookup.Hit) store.get("key:1".getBytes(US_ASCII))).item().value(), US_ASCII));
        }
    }

    private static BareServer.BoundServer start(String design) throws Exception {
        return switch (design) {
            case "threads" -> BareServer.threads(0);
            case "loop" -> BareServer.loop(0, 2, false);
            case "turn" -> BareServer.loop(0, 2, true);
            default -> {
                assumeTrue(NettyBareServer.available(design), () -> "netty " + design + " cannot run here");
                yield NettyBareServer.start(design, 0, 2, null);
            }
        };
    }

    private static String read(InputStream in, int length) throws Exception {
        byte[] bytes = in.readNBytes(length);
        return new String(bytes, US_ASCII);
    }
}
