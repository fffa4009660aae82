package dev.speicherd.bench.jmh;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.WriteResult;
import dev.speicherd.storage.MemoryStore;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@link MemoryStore} under contention from two threads (the benchmark machine's core count):
 * gets (copying the value out, or reading it in place) and sets of uniformly random keys of a preloaded key space, and sets that all hit one key
 * (which meet in one map bin and on one cache line).
 * The store has a 1 GiB limit, as the server under bench/loadgen.sh, so writes go through the
 * memory accounting; the key space fits, so nothing is evicted.
 */
@State(Scope.Benchmark)
@Threads(2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class MemoryStoreBenchmark {

    private static final int GROUP_KEYS = 10;
    private static final int GROUPS = 1024;
    private static final int KEY_BYTES = 14;

    /** 1,000 keys stay in the CPU caches; 100,000 do not, so their gets wait on memory. */
    @Param({"1000", "100000"})
    public int keySpace;

    @Param({"100"})
    public int valueBytes;

    private MemoryStore store;
    private byte[][] keys;
    /** Each key alone, and {@link #GROUPS} random groups of {@link #GROUP_KEYS} keys, as gets ask for them. */
    private List<List<byte[]>> singles;
    private int[][] groupKeys;
    private List<List<byte[]>> groups;
    /**
     * Each group's keys back to back in one array, as ten connections' gets lie in their input
     * buffers when an event loop answers them, with where each key starts; every key is {@link
     * #KEY_BYTES} long.
     */
    private byte[][] groupInputs;
    /** Each group's input ten times over: where each of its keys lies, as {@link MemoryStore#prefetch} takes them. */
    private byte[][][] groupBuffers;
    private final int[] groupOffsets = new int[GROUP_KEYS];
    private final int[] groupLengths = new int[GROUP_KEYS];
    private byte[] value;

    /** Each thread's own random keys. */
    @State(Scope.Thread)
    public static class Picker {
        private static final AtomicLong SEEDS = new AtomicLong(42);
        private final SplittableRandom random = new SplittableRandom(SEEDS.getAndIncrement());

        int next(int bound) {
            return random.nextInt(bound);
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        store = new MemoryStore(Clock.system(), 1024L * 1024 * 1024);
        keys = new byte[keySpace][];
        value = new byte[valueBytes];
        Arrays.fill(value, (byte) 'v');
        for (int i = 0; i < keySpace; i++) {
            keys[i] = String.format("key:%010d", i).getBytes(US_ASCII);
            store.set(keys[i], value, 0, Item.NEVER);
        }
        singles = Arrays.stream(keys).map(List::of).toList();
        SplittableRandom random = new SplittableRandom(7);
        groupKeys = Stream.generate(() -> random.ints(GROUP_KEYS, 0, keySpace).toArray()).limit(GROUPS)
                .toArray(int[][]::new);
        groups = Arrays.stream(groupKeys).map(group -> Arrays.stream(group).mapToObj(i -> keys[i]).toList()).toList();
        groupInputs = new byte[GROUPS][GROUP_KEYS * KEY_BYTES];
        for (int g = 0; g < GROUPS; g++) {
            for (int k = 0; k < GROUP_KEYS; k++) {
                System.arraycopy(keys[groupKeys[g][k]], 0, groupInputs[g], k * KEY_BYTES, KEY_BYTES);
            }
        }
        groupBuffers = new byte[GROUPS][GROUP_KEYS][];
        for (int g = 0; g < GROUPS; g++) {
            Arrays.fill(groupBuffers[g], groupInputs[g]);
        }
        for (int k = 0; k < GROUP_KEYS; k++) {
            groupOffsets[k] = k * KEY_BYTES;
            groupLengths[k] = KEY_BYTES;
        }
        // Lay the items out as a running server's collections leave them (each slot beside its
        // array, in old space), not as loading left them: a benchmark that allocates nothing
        // would otherwise never collect, and measure the loader's layout instead.
        System.gc();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public Lookup get(Picker picker) {
        return store.get(keys[picker.next(keySpace)]);
    }

    /** A get answered in place, as the memcached text protocol's get is: no copy of the value. */
    @Benchmark
    public boolean read(Picker picker, Blackhole sink) {
        return store.read(singles.get(picker.next(keySpace)), (index, value, offset, length, flags, cas) ->
                sink.consume(value[offset])) == 1;
    }

    /** A multi-get of ten keys in place, the store looking them all up first (ns per ten keys). */
    @Benchmark
    public int readTen(Picker picker, Blackhole sink) {
        return store.read(groups.get(picker.next(GROUPS)), (index, value, offset, length, flags, cas) ->
                sink.consume(value[offset]));
    }

    /** The same ten keys read one at a time, as a multi-get was before (ns per ten keys). */
    @Benchmark
    public int readTenOneByOne(Picker picker, Blackhole sink) {
        int hits = 0;
        for (int key : groupKeys[picker.next(GROUPS)]) {
            hits += store.read(singles.get(key), (index, value, offset, length, flags, cas) -> sink.consume(value[offset]));
        }
        return hits;
    }

    /** One thread's ten key arrays, filled from a group's input as a codec copies a get's key out. */
    @State(Scope.Thread)
    public static class Turn {
        final byte[][] keys = new byte[GROUP_KEYS][KEY_BYTES];
        final List<List<byte[]>> singles = Arrays.stream(keys).map(List::of).toList();

        void parse(byte[] input) {
            for (int k = 0; k < GROUP_KEYS; k++) {
                System.arraycopy(input, k * KEY_BYTES, keys[k], 0, KEY_BYTES);
            }
        }
    }

    /**
     * Ten gets of ten connections answered one after another, as an event loop's turn did before
     * it warmed the lookups up (ns per ten keys).
     */
    @Benchmark
    public int readTenOfATurn(Picker picker, Turn turn, Blackhole sink) {
        turn.parse(groupInputs[picker.next(GROUPS)]);
        return readEach(turn, sink);
    }

    /** The same after a {@link MemoryStore#prefetch} of the ten keys in the input, as a turn does now. */
    @Benchmark
    public int readTenOfATurnPrefetched(Picker picker, Turn turn, Blackhole sink) {
        int group = picker.next(GROUPS);
        store.prefetch(groupBuffers[group], groupOffsets, groupLengths, GROUP_KEYS);
        turn.parse(groupInputs[group]);
        return readEach(turn, sink);
    }

    private int readEach(Turn turn, Blackhole sink) {
        int hits = 0;
        for (List<byte[]> key : turn.singles) {
            hits += store.read(key, (index, value, offset, length, flags, cas) -> sink.consume(value[offset]));
        }
        return hits;
    }

    @Benchmark
    public WriteResult set(Picker picker) {
        return store.set(keys[picker.next(keySpace)], value, 0, Item.NEVER);
    }

    @Benchmark
    public WriteResult setOneKey() {
        return store.set(keys[0], value, 0, Item.NEVER);
    }
}
