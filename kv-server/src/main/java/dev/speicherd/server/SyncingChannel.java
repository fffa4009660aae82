package dev.speicherd.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A connection's socket under {@code fsync always}, as its answers see it: every write first has
 * the loop make the changes it made durable ({@code sync}, see {@link EventLoop}), so that no
 * answer leaves before the sync that covers what it acknowledges, by whichever path it leaves
 * (the send pass, or an answer sent as it is made when client memory is short). Under any other
 * configuration the answers go to the socket itself, and sending costs nothing more.
 *
 * @param socket where the answers go
 * @param sync makes the loop's changes durable; throws when they cannot be, and nothing is written
 */
record SyncingChannel(WritableByteChannel socket, Runnable sync) implements WritableByteChannel {

    @Override
    public int write(ByteBuffer src) throws IOException {
        sync.run();
        return socket.write(src);
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
