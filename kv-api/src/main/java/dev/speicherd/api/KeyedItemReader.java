package dev.speicherd.api;

/**
 * Receives the items of a multi-key read where the store holds them, for {@link Store#readAll}:
 * as {@link ItemReader}, with the position of the item's key in the list read.
 *
 * @param <X> what the receiver may throw, e.g. {@link java.io.IOException} from writing a reply
 */
@FunctionalInterface
public interface KeyedItemReader<X extends Exception> {

    /**
     * Receives one item.
     *
     * @param keyIndex the position of the item's key in the list given to {@link Store#readAll}
     * @param value an array holding the value at {@code [offset, offset + length)}: the store's
     *     own, to be read during this call only, never kept or changed
     * @param offset where the value starts in {@code value}
     * @param length the value's length in bytes
     * @param flags the item's client flags
     * @param cas the item's compare-and-swap token
     * @throws X whatever the receiver throws; the store passes it on
     */
    void read(int keyIndex, byte[] value, int offset, int length, int flags, long cas) throws X;
}
