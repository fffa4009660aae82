package dev.speicherd.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.speicherd.api.Clock;
import dev.speicherd.api.CounterResult;
import dev.speicherd.api.DeleteResult;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.Store;
import dev.speicherd.api.StoreStats;
import dev.speicherd.api.WriteMode;
import dev.speicherd.api.WriteResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@link Store} contract as tests: one suite that every engine runs. An engine joins by
 * extending this class and implementing {@link #newStore(Clock)}; the tests then run against it
 * with a {@link ManualClock}, so nothing here sleeps to test expiry.
 *
 * <p>Test methods are public so that subclasses in other packages and modules (through the
 * kv-storage test-jar) inherit them.
 */
public abstract class StoreContractTest {

    /** The largest 64-bit unsigned number, as memcached prints it. */
    private static final String MAX_UNSIGNED = "18446744073709551615";
    private static final int THREADS = 16;
    private static final int INCREMENTS_PER_THREAD = 10_000;

    private ManualClock clock;
    private Store store;

    /**
     * Creates an empty store of the engine under test.
     *
     * @param clock the clock the store must use for every time decision
     * @return a new, empty store; the suite closes it after each test
     */
    protected abstract Store newStore(Clock clock);

    @BeforeEach
    public final void openStore() {
        clock = new ManualClock();
        store = newStore(clock);
    }

    @AfterEach
    public final void closeStore() {
        store.close();
    }

    // ---------------------------------------------------------------- get

    @Test
    public void getOfAMissingKeyMisses() {
        assertSame(Lookup.MISS, store.get(b("nothing")));
    }

    @Test
    public void getReturnsValueFlagsExpiryAndCasAsStored() {
        long expiry = clock.millis() + 10_000;
        long cas = stored(store.set(b("k"), b("value"), 0xCAFEBABE, expiry));
        Item item = hit(store.get(b("k")));
        assertEquals("value", text(item));
        assertEquals(0xCAFEBABE, item.flags());
        assertEquals(expiry, item.expiresAt());
        assertEquals(cas, item.cas());
    }

    @Test
    public void keysCompareByContentNotIdentity() {
        store.set(b("same"), b("v"), 0, Item.NEVER);
        assertEquals("v", text(hit(store.get("same".getBytes(StandardCharsets.UTF_8)))));
        assertSame(Lookup.MISS, store.get(b("sam")));
        assertSame(Lookup.MISS, store.get(b("same ")));
    }

    @Test
    public void binaryKeysAndValuesRoundTrip() {
        byte[] key = new byte[256];
        byte[] value = new byte[256];
        for (int i = 0; i < 256; i++) {
            key[i] = (byte) i;
            value[255 - i] = (byte) i;
        }
        store.set(key, value, 0, Item.NEVER);
        assertArrayEquals(value, hit(store.get(key.clone())).value());
    }

    @Test
    public void anEmptyValueIsAValue() {
        store.set(b("k"), new byte[0], 7, Item.NEVER);
        Item item = hit(store.get(b("k")));
        assertEquals(0, item.value().length);
        assertEquals(7, item.flags());
    }

    @Test
    public void keysAreIndependent() {
        store.set(b("a"), b("1"), 1, Item.NEVER);
        store.set(b("b"), b("2"), 2, Item.NEVER);
        store.delete(b("a"), Store.ANY_CAS);
        assertSame(Lookup.MISS, store.get(b("a")));
        assertEquals("2", text(hit(store.get(b("b")))));
    }

    // ---------------------------------------------------------------- read in place

    /** What a {@link Store#read} of one key handed its reader: the value copied out, flags, token. */
    private record Read(byte[] value, int flags, long cas) {}

    private Read readInPlace(byte[] key) {
        List<Read> reads = new ArrayList<>();
        int hits = store.read(List.of(key), (index, value, offset, length, flags, cas) -> {
            assertEquals(0, index);
            reads.add(new Read(Arrays.copyOfRange(value, offset, offset + length), flags, cas));
        });
        assertEquals(hits, reads.size(), "the reader runs once on a hit and never on a miss");
        return hits == 1 ? reads.get(0) : null;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 5, 512, 513, 4096}) // around the largest value a slot holds inline
    public void readHandsOverWhatGetReturns(int valueBytes) {
        byte[] value = new byte[valueBytes];
        for (int i = 0; i < valueBytes; i++) {
            value[i] = (byte) (i * 31);
        }
        long cas = stored(store.set(b("k"), value, 0xCAFEBABE, Item.NEVER));
        Read read = readInPlace(b("k"));
        assertArrayEquals(value, read.value());
        assertEquals(0xCAFEBABE, read.flags());
        assertEquals(cas, read.cas());
        assertArrayEquals(hit(store.get(b("k"))).value(), read.value());
    }

    @Test
    public void readOfAMissingOrExpiredKeyMissesWithoutCallingTheReader() {
        assertNull(readInPlace(b("nothing")));
        store.set(b("k"), b("v"), 0, clock.millis() + 1_000);
        assertEquals("v", new String(readInPlace(b("k")).value(), StandardCharsets.UTF_8));
        clock.advance(1_000);
        assertNull(readInPlace(b("k")));
    }

    @Test
    public void whatTheReaderThrowsReachesTheCaller() {
        store.set(b("k"), b("v"), 0, Item.NEVER);
        IOException thrown = assertThrows(IOException.class, () -> store.read(List.of(b("k")), (i, v, o, l, f, c) -> {
            throw new IOException("socket gone");
        }));
        assertEquals("socket gone", thrown.getMessage());
        assertEquals("v", text(hit(store.get(b("k")))), "a failed reader changes nothing");
    }

    // ---------------------------------------------------------------- read several in place

    /** What one {@link Store#read} call handed its reader, as "index=value/flags/cas" in call order. */
    private List<String> readSeveralInPlace(List<byte[]> keys, int[] hits) {
        List<String> reads = new ArrayList<>();
        hits[0] = store.read(keys, (index, value, offset, length, flags, cas) -> reads.add(
                index + "=" + new String(value, offset, length, StandardCharsets.UTF_8) + "/" + flags + "/" + cas));
        return reads;
    }

    /** 4,096 bytes of 'x': a value large enough to be kept apart from its slot, not inline. */
    private static byte[] large() {
        byte[] large = new byte[4096];
        Arrays.fill(large, (byte) 'x');
        return large;
    }

    @Test
    public void readOfSeveralHandsOverTheKeysFoundInTheirOrderAndCountsThem() {
        long a = stored(store.set(b("a"), b("1"), 1, Item.NEVER));
        byte[] large = large();
        long c = stored(store.set(b("c"), large, 3, Item.NEVER));
        int[] hits = {-1};
        List<String> reads = readSeveralInPlace(List.of(b("c"), b("missing"), b("a"), b("c")), hits);
        String x = "x".repeat(4096);
        assertEquals(List.of("0=" + x + "/3/" + c, "2=1/1/" + a, "3=" + x + "/3/" + c), reads,
                "hits only, in the order asked, a key asked twice read twice");
        assertEquals(3, hits[0]);
    }

    @Test
    public void readOfSeveralWithNothingLiveCallsNoReader() {
        store.set(b("k"), b("v"), 0, clock.millis() + 1_000);
        clock.advance(1_000);
        int[] hits = {-1};
        assertEquals(List.of(), readSeveralInPlace(List.of(b("k"), b("never")), hits));
        assertEquals(0, hits[0]);
        assertEquals(List.of(), readSeveralInPlace(List.of(), hits));
        assertEquals(0, hits[0]);
    }

    @Test
    public void readOfSeveralRefusesANullKeyAsReadOfOneDoes() {
        store.set(b("a"), b("1"), 0, Item.NEVER);
        assertThrows(NullPointerException.class, () -> store.read(Arrays.asList((byte[]) null), (i, v, o, l, f, c) -> { }));
        assertThrows(NullPointerException.class, () -> store.read(Arrays.asList(b("a"), null), (i, v, o, l, f, c) -> { }));
    }

    @Test
    public void whatAReaderOfSeveralThrowsReachesTheCallerAndStopsTheRead() {
        store.set(b("a"), b("1"), 0, Item.NEVER);
        store.set(b("b"), b("2"), 0, Item.NEVER);
        List<Integer> seen = new ArrayList<>();
        IOException thrown = assertThrows(IOException.class, () -> store.read(List.of(b("a"), b("b")), (i, v, o, l, f, c) -> {
            seen.add(i);
            throw new IOException("socket gone");
        }));
        assertEquals("socket gone", thrown.getMessage());
        assertEquals(List.of(0), seen, "no key is read after the reader failed");
        assertEquals("2", text(hit(store.get(b("b")))), "a failed reader changes nothing");
    }

    // ---------------------------------------------------------------- prefetch

    @Test
    public void prefetchReadsNothingForTheCallerAndChangesNothing() {
        long a = stored(store.set(b("a"), b("1"), 1, Item.NEVER));
        byte[] large = large();
        long c = stored(store.set(b("c"), large, 3, Item.NEVER));
        store.set(b("dead"), b("2"), 0, clock.millis() + 1_000);
        clock.advance(1_000);
        StoreStats before = store.stats();
        byte[] input = b("get a\r\nget dead\r\nget c\r\nget missing\r\n");
        byte[] other = b("a");
        store.prefetch(
                new byte[][] {input, input, input, input, other, input, null},
                new int[] {4, 11, 21, 28, 0, 0, -1},
                new int[] {1, 4, 1, 7, 1, 0, -1},
                6); // the seventh entry lies past the count, and is not looked at
        store.prefetch(new byte[0][], new int[0], new int[0], 0);
        assertEquals(before, store.stats(), "an expired item is left for a lookup to reclaim");
        assertEquals(new Item(b("1"), 1, Item.NEVER, a), hit(store.get(b("a"))));
        assertEquals(new Item(large, 3, Item.NEVER, c), hit(store.get(b("c"))));
        assertSame(Lookup.MISS, store.get(b("dead")));
        assertSame(Lookup.MISS, store.get(b("missing")));
    }

    // ---------------------------------------------------------------- expiry

    @Test
    public void anItemIsLiveOneMillisecondBeforeItsExpiryAndGoneAtIt() {
        long expiry = clock.millis() + 1_000;
        store.set(b("k"), b("v"), 0, expiry);
        clock.advance(999);
        assertEquals("v", text(hit(store.get(b("k")))));
        clock.advance(1);
        assertSame(Lookup.MISS, store.get(b("k")));
        clock.advance(Duration.ofDays(1));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void anItemWithoutExpiryOutlivesAnyTime() {
        store.set(b("k"), b("v"), 0, Item.NEVER);
        clock.advance(Duration.ofDays(3650));
        assertEquals("v", text(hit(store.get(b("k")))));
    }

    @Test
    public void setWithAnExpiryInThePastAnswersStoredAndRemovesTheExistingItem() {
        store.set(b("k"), b("old"), 0, Item.NEVER);
        assertInstanceOf(WriteResult.Stored.class, store.set(b("k"), b("new"), 0, clock.millis() - 1));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void setWithAnExpiryOfExactlyNowStoresNothingVisible() {
        assertInstanceOf(WriteResult.Stored.class, store.set(b("k"), b("v"), 0, clock.millis()));
        assertSame(Lookup.MISS, store.get(b("k")));
        assertEquals(0, store.stats().currItems());
    }

    @Test
    public void setOverAnExpiredItemStoresTheNewOne() {
        store.set(b("k"), b("old"), 5, clock.millis() + 10);
        clock.advance(10);
        stored(store.set(b("k"), b("new"), 6, Item.NEVER));
        Item item = hit(store.get(b("k")));
        assertEquals("new", text(item));
        assertEquals(6, item.flags());
    }

    // ---------------------------------------------------------------- set

    @Test
    public void setOverwritesValueFlagsAndExpiryWithANewCas() {
        long first = stored(store.set(b("k"), b("one"), 1, clock.millis() + 10));
        long second = stored(store.set(b("k"), b("two"), 2, Item.NEVER));
        assertTrue(second > first);
        Item item = hit(store.get(b("k")));
        assertEquals("two", text(item));
        assertEquals(2, item.flags());
        assertEquals(Item.NEVER, item.expiresAt());
        assertEquals(second, item.cas());
        clock.advance(100);
        assertEquals("two", text(hit(store.get(b("k")))));
    }

    @Test
    public void writeInSetModeIsWhatSetDoes() {
        long cas = stored(store.write(WriteMode.SET, b("k"), b("v"), 3, Item.NEVER, Store.ANY_CAS));
        assertEquals(new Item(b("v"), 3, Item.NEVER, cas), hit(store.get(b("k"))));
    }

    // ---------------------------------------------------------------- add

    @Test
    public void addStoresAMissingKey() {
        long cas = stored(write(WriteMode.ADD, "k", "v", 9, Item.NEVER));
        assertEquals(new Item(b("v"), 9, Item.NEVER, cas), hit(store.get(b("k"))));
    }

    @Test
    public void addDoesNotStoreOverALiveItem() {
        long cas = stored(store.set(b("k"), b("first"), 1, Item.NEVER));
        assertSame(WriteResult.NOT_STORED, write(WriteMode.ADD, "k", "second", 2, Item.NEVER));
        assertEquals(new Item(b("first"), 1, Item.NEVER, cas), hit(store.get(b("k"))));
    }

    @Test
    public void addStoresOverAnExpiredItem() {
        store.set(b("k"), b("old"), 0, clock.millis() + 5);
        clock.advance(5);
        stored(write(WriteMode.ADD, "k", "new", 0, Item.NEVER));
        assertEquals("new", text(hit(store.get(b("k")))));
    }

    @Test
    public void addWithAPastExpiryStoresNothingVisible() {
        assertInstanceOf(WriteResult.Stored.class, write(WriteMode.ADD, "k", "v", 0, clock.millis() - 1));
        assertSame(Lookup.MISS, store.get(b("k")));
        stored(write(WriteMode.ADD, "k", "again", 0, Item.NEVER));
    }

    // ---------------------------------------------------------------- replace

    @Test
    public void replaceDoesNotStoreAMissingKey() {
        assertSame(WriteResult.NOT_STORED, write(WriteMode.REPLACE, "k", "v", 0, Item.NEVER));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void replaceStoresOverALiveItem() {
        long old = stored(store.set(b("k"), b("old"), 1, Item.NEVER));
        long cas = stored(write(WriteMode.REPLACE, "k", "new", 2, clock.millis() + 50));
        assertTrue(cas > old);
        assertEquals(new Item(b("new"), 2, clock.millis() + 50, cas), hit(store.get(b("k"))));
    }

    @Test
    public void replaceDoesNotStoreOverAnExpiredItem() {
        store.set(b("k"), b("old"), 0, clock.millis() + 5);
        clock.advance(5);
        assertSame(WriteResult.NOT_STORED, write(WriteMode.REPLACE, "k", "new", 0, Item.NEVER));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void replaceWithAPastExpiryRemovesTheItem() {
        store.set(b("k"), b("old"), 0, Item.NEVER);
        assertInstanceOf(WriteResult.Stored.class, write(WriteMode.REPLACE, "k", "new", 0, clock.millis()));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    // ---------------------------------------------------------------- append and prepend

    @Test
    public void appendAddsBytesAfterAndKeepsFlagsAndExpiry() {
        long expiry = clock.millis() + 1_000;
        long old = stored(store.set(b("k"), b("abc"), 42, expiry));
        long cas = stored(write(WriteMode.APPEND, "k", "def", 7, Item.NEVER));
        assertTrue(cas > old);
        assertEquals(new Item(b("abcdef"), 42, expiry, cas), hit(store.get(b("k"))));
    }

    @Test
    public void prependAddsBytesBeforeAndKeepsFlagsAndExpiry() {
        long expiry = clock.millis() + 1_000;
        long old = stored(store.set(b("k"), b("abc"), 42, expiry));
        long cas = stored(write(WriteMode.PREPEND, "k", "xyz", 7, Item.NEVER));
        assertTrue(cas > old);
        assertEquals(new Item(b("xyzabc"), 42, expiry, cas), hit(store.get(b("k"))));
    }

    @ParameterizedTest
    @EnumSource(value = WriteMode.class, names = {"APPEND", "PREPEND"})
    public void appendAndPrependIgnoreAPastExpiryArgument(WriteMode mode) {
        store.set(b("k"), b("abc"), 0, Item.NEVER);
        stored(write(mode, "k", "-", 0, clock.millis() - 1));
        Item item = hit(store.get(b("k")));
        assertEquals(4, item.value().length);
        assertEquals(Item.NEVER, item.expiresAt());
    }

    @ParameterizedTest
    @EnumSource(value = WriteMode.class, names = {"APPEND", "PREPEND"})
    public void appendAndPrependDoNotStoreAMissingKey(WriteMode mode) {
        assertSame(WriteResult.NOT_STORED, write(mode, "k", "v", 0, Item.NEVER));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @ParameterizedTest
    @EnumSource(value = WriteMode.class, names = {"APPEND", "PREPEND"})
    public void appendAndPrependDoNotStoreOverAnExpiredItem(WriteMode mode) {
        store.set(b("k"), b("abc"), 0, clock.millis() + 5);
        clock.advance(5);
        assertSame(WriteResult.NOT_STORED, write(mode, "k", "v", 0, Item.NEVER));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void appendLeavesTheItemItWasGivenUnchanged() {
        store.set(b("k"), b("abc"), 0, Item.NEVER);
        Item before = hit(store.get(b("k")));
        write(WriteMode.APPEND, "k", "def", 0, Item.NEVER);
        assertEquals("abc", text(before));
    }

    // ---------------------------------------------------------------- compare-and-swap

    @Test
    public void casWithTheCurrentTokenStores() {
        long old = stored(store.set(b("k"), b("old"), 1, Item.NEVER));
        long cas = stored(store.write(WriteMode.SET, b("k"), b("new"), 2, Item.NEVER, old));
        assertTrue(cas > old);
        assertEquals(new Item(b("new"), 2, Item.NEVER, cas), hit(store.get(b("k"))));
    }

    @Test
    public void casWithAnotherTokenAnswersExistsAndChangesNothing() {
        long cas = stored(store.set(b("k"), b("old"), 1, Item.NEVER));
        assertSame(WriteResult.EXISTS, store.write(WriteMode.SET, b("k"), b("new"), 2, Item.NEVER, cas + 1));
        assertEquals(new Item(b("old"), 1, Item.NEVER, cas), hit(store.get(b("k"))));
    }

    @Test
    public void casWithAStaleTokenAnswersExists() {
        long first = stored(store.set(b("k"), b("one"), 0, Item.NEVER));
        store.set(b("k"), b("two"), 0, Item.NEVER);
        assertSame(WriteResult.EXISTS, store.write(WriteMode.SET, b("k"), b("three"), 0, Item.NEVER, first));
        assertEquals("two", text(hit(store.get(b("k")))));
    }

    @Test
    public void casOnAMissingKeyAnswersNotFound() {
        assertSame(WriteResult.NOT_FOUND, store.write(WriteMode.SET, b("k"), b("v"), 0, Item.NEVER, 12345));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void casOnAnExpiredItemAnswersNotFound() {
        long cas = stored(store.set(b("k"), b("v"), 0, clock.millis() + 5));
        clock.advance(5);
        assertSame(WriteResult.NOT_FOUND, store.write(WriteMode.SET, b("k"), b("w"), 0, Item.NEVER, cas));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void casOnADeletedItemAnswersNotFound() {
        long cas = stored(store.set(b("k"), b("v"), 0, Item.NEVER));
        store.delete(b("k"), Store.ANY_CAS);
        assertSame(WriteResult.NOT_FOUND, store.write(WriteMode.SET, b("k"), b("w"), 0, Item.NEVER, cas));
    }

    @Test
    public void casAppliesToAppendToo() {
        long cas = stored(store.set(b("k"), b("a"), 0, Item.NEVER));
        assertSame(WriteResult.EXISTS, store.write(WriteMode.APPEND, b("k"), b("b"), 0, Item.NEVER, cas + 1));
        stored(store.write(WriteMode.APPEND, b("k"), b("c"), 0, Item.NEVER, cas));
        assertEquals("ac", text(hit(store.get(b("k")))));
    }

    @Test
    public void casWithAPastExpiryRemovesTheItem() {
        long cas = stored(store.set(b("k"), b("v"), 0, Item.NEVER));
        stored(store.write(WriteMode.SET, b("k"), b("w"), 0, clock.millis() - 1, cas));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    // ---------------------------------------------------------------- delete

    @Test
    public void deleteRemovesALiveItem() {
        store.set(b("k"), b("v"), 0, Item.NEVER);
        assertEquals(DeleteResult.DELETED, store.delete(b("k"), Store.ANY_CAS));
        assertSame(Lookup.MISS, store.get(b("k")));
        assertEquals(DeleteResult.NOT_FOUND, store.delete(b("k"), Store.ANY_CAS));
    }

    @Test
    public void deleteOfAMissingKeyAnswersNotFound() {
        assertEquals(DeleteResult.NOT_FOUND, store.delete(b("k"), Store.ANY_CAS));
    }

    @Test
    public void deleteOfAnExpiredItemAnswersNotFound() {
        store.set(b("k"), b("v"), 0, clock.millis() + 5);
        clock.advance(5);
        assertEquals(DeleteResult.NOT_FOUND, store.delete(b("k"), Store.ANY_CAS));
    }

    @Test
    public void deleteWithTheCurrentTokenDeletes() {
        long cas = stored(store.set(b("k"), b("v"), 0, Item.NEVER));
        assertEquals(DeleteResult.DELETED, store.delete(b("k"), cas));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void deleteWithAnotherTokenAnswersExistsAndKeepsTheItem() {
        long cas = stored(store.set(b("k"), b("v"), 0, Item.NEVER));
        assertEquals(DeleteResult.EXISTS, store.delete(b("k"), cas + 1));
        assertEquals(cas, hit(store.get(b("k"))).cas());
    }

    @Test
    public void deleteWithATokenOfAMissingKeyAnswersNotFound() {
        assertEquals(DeleteResult.NOT_FOUND, store.delete(b("k"), 99));
    }

    // ---------------------------------------------------------------- incr and decr

    @Test
    public void incrementAddsAndKeepsFlagsAndExpiry() {
        long expiry = clock.millis() + 1_000;
        long old = stored(store.set(b("n"), b("41"), 77, expiry));
        CounterResult.Counted counted = counted(store.adjust(b("n"), 1, false, null));
        assertEquals(42, counted.value());
        assertTrue(counted.cas() > old);
        assertEquals(new Item(b("42"), 77, expiry, counted.cas()), hit(store.get(b("n"))));
    }

    @Test
    public void decrementSubtracts() {
        store.set(b("n"), b("10"), 0, Item.NEVER);
        assertEquals(7, counted(store.adjust(b("n"), 3, true, null)).value());
        assertEquals("7", text(hit(store.get(b("n")))));
    }

    @Test
    public void incrementWrapsAroundAt2To64() {
        store.set(b("n"), b(MAX_UNSIGNED), 0, Item.NEVER);
        assertEquals(0, counted(store.adjust(b("n"), 1, false, null)).value());
        assertEquals("0", text(hit(store.get(b("n")))));
    }

    @Test
    public void incrementTreatsTheDeltaAsUnsigned() {
        store.set(b("n"), b("10"), 0, Item.NEVER);
        // 10 + (2^64 - 1) wraps to 9.
        assertEquals(9, counted(store.adjust(b("n"), -1L, false, null)).value());
    }

    @Test
    public void incrementReachesTheLargestUnsignedValue() {
        store.set(b("n"), b("18446744073709551614"), 0, Item.NEVER);
        CounterResult.Counted counted = counted(store.adjust(b("n"), 1, false, null));
        assertEquals(MAX_UNSIGNED, Long.toUnsignedString(counted.value()));
        assertEquals(MAX_UNSIGNED, text(hit(store.get(b("n")))));
    }

    @Test
    public void decrementStopsAtZero() {
        store.set(b("n"), b("5"), 0, Item.NEVER);
        assertEquals(0, counted(store.adjust(b("n"), 10, true, null)).value());
        assertEquals(0, counted(store.adjust(b("n"), 1, true, null)).value());
        assertEquals("0", text(hit(store.get(b("n")))));
    }

    @Test
    public void decrementComparesUnsigned() {
        store.set(b("n"), b(MAX_UNSIGNED), 0, Item.NEVER);
        assertEquals(1, counted(store.adjust(b("n"), Long.parseUnsignedLong("18446744073709551614"), true, null)).value());
        store.set(b("m"), b("5"), 0, Item.NEVER);
        assertEquals(0, counted(store.adjust(b("m"), -1L, true, null)).value());
    }

    @Test
    public void leadingZerosAreDigitsToo() {
        store.set(b("n"), b("007"), 0, Item.NEVER);
        assertEquals(8, counted(store.adjust(b("n"), 1, false, null)).value());
        assertEquals("8", text(hit(store.get(b("n")))));
    }

    @Test
    public void twentyDigitsAreAllowed() {
        store.set(b("n"), b("00000000000000000001"), 0, Item.NEVER);
        assertEquals(2, counted(store.adjust(b("n"), 1, false, null)).value());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "abc", "-1", "+1", " 1", "1 ", "1\r\n", "1.0", "0x10", "1e3", "١",
        "000000000000000000001", // 21 digits, even though the number is small
        "18446744073709551616", // 2^64 does not fit
        "99999999999999999999"
    })
    public void aValueThatIsNotACounterAnswersNonNumericAndStaysAsItWas(String value) {
        long cas = stored(store.set(b("n"), b(value), 3, Item.NEVER));
        assertSame(CounterResult.NON_NUMERIC, store.adjust(b("n"), 1, false, null));
        assertSame(CounterResult.NON_NUMERIC, store.adjust(b("n"), 1, true, new CounterResult.Vivify(5, Item.NEVER)));
        assertEquals(new Item(b(value), 3, Item.NEVER, cas), hit(store.get(b("n"))));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    public void adjustOfAMissingKeyAnswersNotFound(boolean decrement) {
        assertSame(CounterResult.NOT_FOUND, store.adjust(b("n"), 1, decrement, null));
        assertSame(Lookup.MISS, store.get(b("n")));
    }

    @Test
    public void adjustOfAnExpiredItemAnswersNotFound() {
        store.set(b("n"), b("5"), 0, clock.millis() + 5);
        clock.advance(5);
        assertSame(CounterResult.NOT_FOUND, store.adjust(b("n"), 1, false, null));
        assertSame(Lookup.MISS, store.get(b("n")));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    public void vivifyCreatesTheInitialValueWithoutApplyingTheDelta(boolean decrement) {
        long expiry = clock.millis() + 500;
        CounterResult.Counted counted = counted(
                store.adjust(b("n"), 3, decrement, new CounterResult.Vivify(100, expiry)));
        assertEquals(100, counted.value());
        assertEquals(new Item(b("100"), 0, expiry, counted.cas()), hit(store.get(b("n"))));
        assertEquals(decrement ? 97 : 103, counted(store.adjust(b("n"), 3, decrement, null)).value());
    }

    @Test
    public void vivifyStoresTheInitialValueAsUnsigned() {
        CounterResult.Counted counted = counted(
                store.adjust(b("n"), 1, false, new CounterResult.Vivify(-1L, Item.NEVER)));
        assertEquals(-1L, counted.value());
        assertEquals(MAX_UNSIGNED, text(hit(store.get(b("n")))));
    }

    @Test
    public void vivifyReplacesAnExpiredItem() {
        store.set(b("n"), b("5"), 9, clock.millis() + 5);
        clock.advance(5);
        assertEquals(1, counted(store.adjust(b("n"), 1, false, new CounterResult.Vivify(1, Item.NEVER))).value());
        assertEquals(0, hit(store.get(b("n"))).flags());
    }

    @Test
    public void vivifyIsIgnoredWhenTheCounterExists() {
        store.set(b("n"), b("5"), 0, Item.NEVER);
        assertEquals(6, counted(store.adjust(b("n"), 1, false, new CounterResult.Vivify(100, Item.NEVER))).value());
    }

    @Test
    public void adjustWithTheLiveTokenChangesTheCounter() {
        long cas = stored(store.set(b("n"), b("5"), 0, Item.NEVER));
        CounterResult.Counted counted = counted(store.adjust(b("n"), 2, false, null, cas));
        assertEquals(7, counted.value());
        assertTrue(counted.cas() > cas);
    }

    @Test
    public void adjustWithAnotherTokenChangesNothing() {
        long cas = stored(store.set(b("n"), b("5"), 0, Item.NEVER));
        assertSame(CounterResult.EXISTS, store.adjust(b("n"), 2, false, null, cas + 1));
        assertEquals(new Item(b("5"), 0, Item.NEVER, cas), hit(store.get(b("n"))));
        assertSame(CounterResult.EXISTS, store.adjust(b("n"), 2, true, new CounterResult.Vivify(9, Item.NEVER), cas + 1));
    }

    @Test
    public void adjustWithATokenOfAMissingCounterIsNotFoundOrVivifies() {
        assertSame(CounterResult.NOT_FOUND, store.adjust(b("n"), 1, false, null, 42));
        assertEquals(9, counted(store.adjust(b("n"), 1, false, new CounterResult.Vivify(9, Item.NEVER), 42)).value());
    }

    // ---------------------------------------------------------------- touch

    @Test
    public void touchChangesOnlyTheExpiry() {
        long cas = stored(store.set(b("k"), b("v"), 5, clock.millis() + 10));
        long later = clock.millis() + 1_000;
        Item touched = hit(store.touch(b("k"), later));
        assertEquals(new Item(b("v"), 5, later, cas), touched);
        clock.advance(500);
        assertEquals(touched, hit(store.get(b("k"))));
        clock.advance(500);
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void touchCanRemoveTheExpiry() {
        store.set(b("k"), b("v"), 0, clock.millis() + 10);
        assertEquals(Item.NEVER, hit(store.touch(b("k"), Item.NEVER)).expiresAt());
        clock.advance(Duration.ofDays(1));
        assertEquals("v", text(hit(store.get(b("k")))));
    }

    @Test
    public void touchCanShortenTheExpiry() {
        store.set(b("k"), b("v"), 0, Item.NEVER);
        hit(store.touch(b("k"), clock.millis() + 10));
        clock.advance(10);
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void touchWithAPastExpiryMakesTheItemInvisible() {
        store.set(b("k"), b("v"), 0, Item.NEVER);
        store.touch(b("k"), clock.millis());
        assertSame(Lookup.MISS, store.get(b("k")));
        assertSame(WriteResult.NOT_STORED, write(WriteMode.REPLACE, "k", "w", 0, Item.NEVER));
    }

    @Test
    public void touchOfAMissingKeyMisses() {
        assertSame(Lookup.MISS, store.touch(b("k"), Item.NEVER));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void touchOfAnExpiredItemMissesAndDoesNotRevive() {
        store.set(b("k"), b("v"), 0, clock.millis() + 5);
        clock.advance(5);
        assertSame(Lookup.MISS, store.touch(b("k"), Item.NEVER));
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    // ---------------------------------------------------------------- flush_all

    @Test
    public void flushNowRemovesEveryItem() {
        for (int i = 0; i < 50; i++) {
            store.set(b("k" + i), b("v" + i), 0, Item.NEVER);
        }
        store.flushAll(clock.millis());
        for (int i = 0; i < 50; i++) {
            assertSame(Lookup.MISS, store.get(b("k" + i)));
        }
        StoreStats stats = store.stats();
        assertEquals(0, stats.currItems());
        assertEquals(0, stats.bytes());
        assertEquals(0, stats.evictions());
    }

    @Test
    public void flushWithATimeInThePastFlushesNow() {
        store.set(b("k"), b("v"), 0, Item.NEVER);
        store.flushAll(clock.millis() - 10_000);
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void itemsWrittenAfterAFlushNowSurviveIt() {
        store.set(b("old"), b("v"), 0, Item.NEVER);
        store.flushAll(clock.millis());
        store.set(b("new"), b("v"), 0, Item.NEVER);
        stored(write(WriteMode.ADD, "old", "again", 0, Item.NEVER));
        clock.advance(Duration.ofHours(1));
        assertEquals("v", text(hit(store.get(b("new")))));
        assertEquals("again", text(hit(store.get(b("old")))));
    }

    @Test
    public void aDelayedFlushTakesItemsWrittenBeforeItsMomentOnceItComes() {
        long at = clock.millis() + 1_000;
        store.set(b("before-call"), b("v"), 0, Item.NEVER);
        store.flushAll(at);
        assertEquals("v", text(hit(store.get(b("before-call")))));
        clock.advance(500);
        store.set(b("between"), b("v"), 0, Item.NEVER);
        clock.advance(499);
        assertEquals("v", text(hit(store.get(b("before-call")))));
        assertEquals("v", text(hit(store.get(b("between")))));
        clock.advance(1);
        assertSame(Lookup.MISS, store.get(b("before-call")));
        assertSame(Lookup.MISS, store.get(b("between")));
        assertEquals(DeleteResult.NOT_FOUND, store.delete(b("between"), Store.ANY_CAS));
    }

    @Test
    public void itemsWrittenAfterADelayedFlushMomentSurvive() {
        store.set(b("k"), b("old"), 0, Item.NEVER);
        store.flushAll(clock.millis() + 100);
        clock.advance(100);
        assertSame(Lookup.MISS, store.get(b("k")));
        stored(write(WriteMode.ADD, "k", "new", 0, Item.NEVER));
        store.set(b("other"), b("v"), 0, Item.NEVER);
        clock.advance(Duration.ofHours(1));
        assertEquals("new", text(hit(store.get(b("k")))));
        assertEquals("v", text(hit(store.get(b("other")))));
    }

    @Test
    public void aDelayedFlushTakesTouchedItemsToo() {
        store.set(b("k"), b("v"), 0, Item.NEVER);
        store.flushAll(clock.millis() + 100);
        clock.advance(50);
        hit(store.touch(b("k"), Item.NEVER));
        clock.advance(50);
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void aLaterDelayedFlushReplacesAPendingOne() {
        store.set(b("k"), b("v"), 0, Item.NEVER);
        store.flushAll(clock.millis() + 10);
        store.flushAll(clock.millis() + 100);
        clock.advance(10);
        assertEquals("v", text(hit(store.get(b("k")))));
        clock.advance(90);
        assertSame(Lookup.MISS, store.get(b("k")));
    }

    @Test
    public void aFlushNowCancelsAPendingDelayedFlush() {
        store.flushAll(clock.millis() + 100);
        store.flushAll(clock.millis());
        clock.advance(1);
        store.set(b("k"), b("v"), 0, Item.NEVER);
        clock.advance(1_000);
        assertEquals("v", text(hit(store.get(b("k")))));
    }

    @Test
    public void replacingAFlushThatAlreadyHappenedDoesNotReviveItsItems() {
        store.set(b("k"), b("v"), 0, Item.NEVER);
        store.flushAll(clock.millis() + 10);
        clock.advance(10);
        store.flushAll(clock.millis() + 1_000);
        assertSame(Lookup.MISS, store.get(b("k")));
        assertSame(Lookup.MISS, store.touch(b("k"), Item.NEVER));
        assertSame(CounterResult.NOT_FOUND, store.adjust(b("k"), 1, false, null));
    }

    // ---------------------------------------------------------------- tokens

    @Test
    public void everyMutationGetsALargerTokenThanAnyBefore() {
        List<Long> tokens = new ArrayList<>();
        tokens.add(stored(store.set(b("a"), b("1"), 0, Item.NEVER)));
        tokens.add(stored(write(WriteMode.ADD, "b", "2", 0, Item.NEVER)));
        tokens.add(stored(write(WriteMode.REPLACE, "a", "3", 0, Item.NEVER)));
        tokens.add(stored(write(WriteMode.APPEND, "a", "4", 0, Item.NEVER)));
        tokens.add(stored(write(WriteMode.PREPEND, "b", "5", 0, Item.NEVER)));
        long appendedToA = tokens.get(3);
        tokens.add(stored(store.write(WriteMode.SET, b("a"), b("6"), 0, Item.NEVER, appendedToA)));
        tokens.add(counted(store.adjust(b("a"), 1, false, null)).cas());
        tokens.add(counted(store.adjust(b("c"), 1, false, new CounterResult.Vivify(0, Item.NEVER))).cas());
        tokens.add(stored(store.set(b("a"), b("7"), 0, Item.NEVER)));
        for (int i = 1; i < tokens.size(); i++) {
            assertTrue(tokens.get(i) > tokens.get(i - 1), "tokens " + tokens);
        }
        assertTrue(tokens.get(0) != Store.ANY_CAS);
    }

    @Test
    public void touchKeepsTheToken() {
        long cas = stored(store.set(b("k"), b("v"), 0, Item.NEVER));
        assertEquals(cas, hit(store.touch(b("k"), clock.millis() + 100)).cas());
        stored(store.write(WriteMode.SET, b("k"), b("w"), 0, Item.NEVER, cas));
    }

    @Test
    public void failedWritesLeaveTheTokenAlone() {
        long cas = stored(store.set(b("k"), b("v"), 0, Item.NEVER));
        write(WriteMode.ADD, "k", "x", 0, Item.NEVER);
        store.write(WriteMode.SET, b("k"), b("x"), 0, Item.NEVER, cas + 1);
        store.delete(b("k"), cas + 1);
        assertEquals(cas, hit(store.get(b("k"))).cas());
    }

    // ---------------------------------------------------------------- stats

    @Test
    public void anEmptyStoreHoldsNothing() {
        StoreStats stats = store.stats();
        assertEquals(0, stats.currItems());
        assertEquals(0, stats.totalItems());
        assertEquals(0, stats.bytes());
        assertEquals(0, stats.evictions());
        assertEquals(0, stats.reclaimed());
    }

    @Test
    public void statsCountItemsAndSuccessfulStores() {
        store.set(b("a"), b("1"), 0, Item.NEVER);
        store.set(b("b"), b("2"), 0, Item.NEVER);
        store.set(b("a"), b("3"), 0, Item.NEVER);
        write(WriteMode.ADD, "a", "x", 0, Item.NEVER); // not stored
        write(WriteMode.REPLACE, "zz", "x", 0, Item.NEVER); // not stored
        StoreStats stats = store.stats();
        assertEquals(2, stats.currItems());
        assertEquals(3, stats.totalItems());
    }

    @Test
    public void bytesGrowWithValuesAndReturnToZero() {
        store.set(b("a"), b("x"), 0, Item.NEVER);
        long small = store.stats().bytes();
        assertTrue(small > 0);
        store.set(b("a"), new byte[1_000], 0, Item.NEVER);
        long large = store.stats().bytes();
        assertTrue(large >= small + 999, small + " then " + large);
        store.delete(b("a"), Store.ANY_CAS);
        assertEquals(0, store.stats().bytes());
        assertEquals(0, store.stats().currItems());
    }

    @Test
    public void anExpiredItemRemovedOnAccessCountsAsReclaimed() {
        store.set(b("k"), b("v"), 0, clock.millis() + 5);
        store.set(b("live"), b("v"), 0, Item.NEVER);
        clock.advance(5);
        assertSame(Lookup.MISS, store.get(b("k")));
        StoreStats stats = store.stats();
        assertEquals(1, stats.reclaimed());
        assertEquals(1, stats.currItems());
        assertEquals(0, stats.evictions());
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    public void concurrentIncrementsAreNeverLost() throws Exception {
        store.set(b("n"), b("0"), 0, Item.NEVER);
        runConcurrently(THREADS, thread -> {
            for (int i = 0; i < INCREMENTS_PER_THREAD; i++) {
                counted(store.adjust(b("n"), 1, false, null));
            }
            return null;
        });
        assertEquals(String.valueOf(THREADS * INCREMENTS_PER_THREAD), text(hit(store.get(b("n")))));
    }

    @Test
    public void concurrentAddsOfOneKeyStoreExactlyOnce() throws Exception {
        List<WriteResult> results = runConcurrently(THREADS * 4, thread ->
                write(WriteMode.ADD, "k", "thread-" + thread, 0, Item.NEVER));
        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof WriteResult.Stored) {
                winners.add(i);
            } else {
                assertSame(WriteResult.NOT_STORED, results.get(i));
            }
        }
        assertEquals(1, winners.size(), "winners " + winners);
        assertEquals("thread-" + winners.get(0), text(hit(store.get(b("k")))));
    }

    @Test
    public void concurrentCompareAndSwapLoopsLoseNoUpdate() throws Exception {
        int threads = 8;
        int updatesPerThread = 500;
        store.set(b("n"), b("0"), 0, Item.NEVER);
        runConcurrently(threads, thread -> {
            for (int done = 0; done < updatesPerThread; ) {
                Item item = hit(store.get(b("n")));
                String next = String.valueOf(Long.parseLong(text(item)) + 1);
                WriteResult result = store.write(WriteMode.SET, b("n"), b(next), 0, Item.NEVER, item.cas());
                if (result instanceof WriteResult.Stored) {
                    done++;
                } else {
                    assertSame(WriteResult.EXISTS, result);
                }
            }
            return null;
        });
        assertEquals(String.valueOf(threads * updatesPerThread), text(hit(store.get(b("n")))));
    }

    @Test
    public void concurrentWritersToDifferentKeysAllLand() throws Exception {
        int perThread = 1_000;
        runConcurrently(THREADS, thread -> {
            for (int i = 0; i < perThread; i++) {
                stored(store.set(b(thread + ":" + i), b(String.valueOf(i)), thread, Item.NEVER));
            }
            return null;
        });
        assertEquals(THREADS * perThread, store.stats().currItems());
        for (int thread = 0; thread < THREADS; thread++) {
            assertEquals(thread, hit(store.get(b(thread + ":" + (perThread - 1)))).flags());
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Work for one of several threads that start together. */
    @FunctionalInterface
    protected interface ThreadWork<T> {
        /**
         * Runs one thread's share.
         *
         * @param thread the thread's number, from 0
         * @return the thread's result
         * @throws Exception anything, to fail the test
         */
        T run(int thread) throws Exception;
    }

    /**
     * Runs {@code work} on {@code threads} platform threads released at once, and returns their
     * results in thread order. Fails the test if a thread fails or all take over a minute.
     */
    protected static <T> List<T> runConcurrently(int threads, ThreadWork<T> work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                Callable<T> task = () -> {
                    start.await();
                    return work.run(thread);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(1, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The clock the store under test was given. */
    protected final ManualClock clock() {
        return clock;
    }

    /** The store under test. */
    protected final Store store() {
        return store;
    }

    private WriteResult write(WriteMode mode, String key, String value, int flags, long expiresAt) {
        return store.write(mode, b(key), b(value), flags, expiresAt, Store.ANY_CAS);
    }

    /** Returns the UTF-8 bytes of {@code s}, a fresh array each call. */
    protected static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Returns an item's value as UTF-8 text. */
    protected static String text(Item item) {
        return new String(item.value(), StandardCharsets.UTF_8);
    }

    /** Asserts a hit and returns its item. */
    protected static Item hit(Lookup lookup) {
        if (lookup instanceof Lookup.Hit(Item item)) {
            return item;
        }
        return fail("expected a hit, got " + lookup);
    }

    /** Asserts a stored write and returns its token, which is never {@link Store#ANY_CAS}. */
    protected static long stored(WriteResult result) {
        if (result instanceof WriteResult.Stored(long cas)) {
            assertNotEquals(Store.ANY_CAS, cas);
            return cas;
        }
        return fail("expected Stored, got " + result);
    }

    /** Asserts a counted adjustment and returns it. */
    protected static CounterResult.Counted counted(CounterResult result) {
        return assertInstanceOf(CounterResult.Counted.class, result);
    }
}
