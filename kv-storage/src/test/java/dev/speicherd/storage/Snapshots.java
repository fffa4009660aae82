package dev.speicherd.storage;

import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.Store;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** What a store holds under a set of keys, as one comparable value, for tests that reopen. */
final class Snapshots {

    private Snapshots() {}

    /**
     * Reads every key.
     *
     * @param store the store
     * @param keys the keys, as UTF-8 text
     * @return each key's lookup, value, flags, expiry and token included, in key order
     */
    static Map<String, Lookup> of(Store store, Collection<String> keys) {
        Map<String, Lookup> snapshot = new LinkedHashMap<>();
        for (String key : keys) {
            snapshot.put(key, store.get(key.getBytes(StandardCharsets.UTF_8)));
        }
        return snapshot;
    }

    /**
     * Returns the largest token in a snapshot.
     *
     * @param snapshot a snapshot
     * @return the largest token of its hits, or 0
     */
    static long maxCas(Map<String, Lookup> snapshot) {
        long max = 0;
        for (Lookup lookup : snapshot.values()) {
            if (lookup instanceof Lookup.Hit(Item item)) {
                max = Math.max(max, item.cas());
            }
        }
        return max;
    }
}
