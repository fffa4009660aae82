package dev.speicherd.server;

import dev.speicherd.api.Store;
import dev.speicherd.codec.KeySpan;
import java.util.Arrays;

/**
 * The keys that a turn's ready connections will look up next, handed to the store together
 * ({@link Store#prefetch}) between reading and answering, so that it loads what those lookups
 * touch in stages whose waits on memory overlap. One per I/O thread.
 */
final class Prefetch {

    private final Store store;
    /** The keys of the ready connections' next requests; grown to the most ready. */
    private byte[][] keyBuffers = new byte[0][];
    private int[] keyOffsets = new int[0];
    private int[] keyLengths = new int[0];
    private int keys;

    Prefetch(Store store) {
        this.store = store;
    }

    /** Notes the key of the connection's next request, if it has a whole one buffered. */
    void add(Exchange exchange) {
        long key = exchange.keyOfNext();
        if (key == KeySpan.NONE) {
            return;
        }
        if (keys == keyBuffers.length) {
            int n = Math.max(8, 2 * keys);
            keyBuffers = Arrays.copyOf(keyBuffers, n);
            keyOffsets = Arrays.copyOf(keyOffsets, n);
            keyLengths = Arrays.copyOf(keyLengths, n);
        }
        keyBuffers[keys] = exchange.inputBuffer();
        keyOffsets[keys] = KeySpan.offset(key);
        keyLengths[keys] = KeySpan.length(key);
        keys++;
    }

    /** Warms the store up for the keys noted, when there are two or more to overlap, and forgets them. */
    void run() {
        if (keys > 1) {
            store.prefetch(keyBuffers, keyOffsets, keyLengths, keys);
        }
        Arrays.fill(keyBuffers, 0, keys, null); // the buffers are the connections', not the loop's
        keys = 0;
    }
}
