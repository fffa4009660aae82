package dev.speicherd.api;

/**
 * Receives a stored item where the store holds it, for {@link Store#read}: a reply can be written
 * straight from the store's memory, without the copy of the value that {@link Store#get} may make.
 *
 * @param <X> what the receiver may throw, e.g. {@link java.io.IOException} from writing a reply
 */
@FunctionalInterface
public interface ItemReader<X extends Exception> {

    /**
     * Receives the item.
     *
     * @param value an array holding the value at {@code [offset, offset + length)}: the store's
     *     own, to be read during this call only, never kept or changed
     * @param offset where the value starts in {@code value}
     * @param length the value's length in bytes
     * @param flags the item's client flags
     * @param cas the item's compare-and-swap token
     * @throws X whatever the receiver throws; the store passes it on
     */
    void read(byte[] value, int offset, int length, int flags, long cas) throws X;
}
