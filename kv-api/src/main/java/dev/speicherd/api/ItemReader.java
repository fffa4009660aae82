package dev.speicherd.api;

/**
 * Receives stored items where the store holds them, for {@link Store#read}: a reply can be
 * written straight from the store's memory, without the copy of the value that {@link Store#get}
 * may make.
 *
 * @param <X> what the receiver may throw, e.g. {@link java.io.IOException} from writing a reply
 */
@FunctionalInterface
public interface ItemReader<X extends Exception> {

    /**
     * Receives one item.
     *
     * @param keyIndex the position of the item's key in the list given to {@link Store#read}
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
