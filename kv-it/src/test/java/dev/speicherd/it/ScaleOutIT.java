package dev.speicherd.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import net.spy.memcached.FailureMode;
import net.spy.memcached.KetamaConnectionFactory;
import net.spy.memcached.MemcachedClient;
import net.spy.memcached.MemcachedNode;
import net.spy.memcached.OperationTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Scaling out the way memcached does, with the tools memcached users use: three speicherd
 * instances that know nothing of each other, sharded by twemproxy (Debian's nutcracker) in front
 * of them, or by a client that hashes keys itself (pymemcache's HashClient, spymemcached's
 * ketama). Each test fills the three through the sharding layer, checks from the instances' own
 * {@code stats} and contents that every one got a share and nothing was stored twice, then kills
 * one instance with SIGKILL and pins down what the clients see.
 *
 * <p>In every test the instance killed is the second, index {@link #VICTIM}; "its keys" are the
 * keys that instance held before it died.
 */
class ScaleOutIT {

    static final int INSTANCES = 3;
    static final int KEYS = 900;
    static final int VICTIM = 1;
    static final String SCRIPT = "scaleout_client.py";

    private final List<ServerProcess> servers = new ArrayList<>();

    @BeforeEach
    void startThree() {
        for (int i = 0; i < INSTANCES; i++) {
            servers.add(ServerProcess.start());
        }
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (ServerProcess s : servers) {
            s.close();
        }
    }

    // ---- twemproxy ---------------------------------------------------------------------------

    /**
     * twemproxy with {@code auto_eject_hosts} and {@code server_failure_limit: 1} ejects a killed
     * instance as soon as its server connection reads end of stream, before any request fails:
     * the client sees no error at all. The dead instance's keys are remapped over the survivors
     * (ketama: the survivors' own keys stay where they were), so their gets miss and sets
     * succeed; everything set again reads back.
     */
    @Test
    void twemproxyShardsOverThreeAndEjectsAKilledInstanceWithoutAnError() throws Exception {
        List<String> keys = keys("tw", KEYS);
        try (Twemproxy proxy = Twemproxy.start(60_000, memcachedPorts());
             PythonSession client = PythonSession.start(SCRIPT, "proxy", "127.0.0.1:" + proxy.port)) {
            JsonObject set = client.call("set tw " + KEYS);
            assertKeys(Set.copyOf(keys), strings(set, "stored"), "every set through the proxy is stored");
            assertNoErrors(set);

            List<Set<String>> before = assertSpreadOverAll(keys);
            JsonObject get = client.call("get tw " + KEYS);
            assertKeys(Set.copyOf(keys), strings(get, "hits"), "every key reads back through the proxy");

            servers.get(VICTIM).kill();
            proxy.awaitEjects(1);
            JsonObject victim = proxy.serverStats(Twemproxy.name(VICTIM));
            assertEquals(1, victim.get("server_eof").getAsInt(), victim.toString());
            assertTrue(victim.get("server_ejected_at").getAsLong() > 0, victim.toString());
            for (int i : survivors()) {
                assertEquals(0, proxy.serverStats(Twemproxy.name(i)).get("server_ejected_at").getAsLong());
            }

            get = client.call("get tw " + KEYS);
            assertNoErrors(get);
            assertKeys(before.get(VICTIM), strings(get, "misses"), "exactly the dead instance's keys miss");
            assertKeys(minus(keys, before.get(VICTIM)), strings(get, "hits"), "every survivor's key still hits");

            set = client.call("set tw " + KEYS);
            assertNoErrors(set);
            assertKeys(Set.copyOf(keys), strings(set, "stored"), "sets of every key succeed on the survivors");
            assertRemappedOverSurvivors(keys, before);
            assertKeys(Set.copyOf(keys), strings(client.call("get tw " + KEYS), "hits"));
            assertEquals(0, proxy.stats().getAsJsonObject(Twemproxy.POOL).get("forward_error").getAsInt());
        }
    }

    /**
     * After {@code server_retry_timeout} twemproxy puts an ejected instance back and tries it:
     * while it is still dead, exactly one request (the first one hashed to it) fails with
     * {@code SERVER_ERROR Connection refused} and it is ejected again. Once an empty instance is
     * listening on its address again, the proxy takes it back: its keys map to it again and miss,
     * while the copies written to the survivors during the outage stay there, unreachable.
     */
    @Test
    void twemproxyRetriesAnEjectedInstanceAndTakesItBackEmpty() throws Exception {
        int retryMillis = 3000;
        List<String> keys = keys("rt", KEYS);
        try (Twemproxy proxy = Twemproxy.start(retryMillis, memcachedPorts());
             PythonSession client = PythonSession.start(SCRIPT, "proxy", "127.0.0.1:" + proxy.port)) {
            assertEquals(KEYS, strings(client.call("set rt " + KEYS), "stored").size());
            List<Set<String>> before = assertSpreadOverAll(keys);
            List<String> victimKeysInOrder = keys.stream().filter(before.get(VICTIM)::contains).toList();

            int victimPort = servers.get(VICTIM).memcachedPort;
            servers.get(VICTIM).kill();
            proxy.awaitEjects(1);
            long ejected = System.nanoTime();
            JsonObject get = client.call("get rt " + KEYS);
            assertNoErrors(get);
            assertKeys(before.get(VICTIM), strings(get, "misses"));
            JsonObject set = client.call("set rt " + KEYS);
            assertNoErrors(set);
            assertEquals(KEYS, strings(set, "stored").size());

            sleepUntil(ejected + TimeUnit.MILLISECONDS.toNanos(retryMillis + 300));
            get = client.call("get rt " + KEYS);
            assertEquals(Set.of(victimKeysInOrder.get(0)), get.getAsJsonObject("errors").keySet(),
                    "one request, the first hashed to the dead instance, fails: " + get.get("errors"));
            assertTrue(get.getAsJsonObject("errors").get(victimKeysInOrder.get(0)).getAsString()
                    .contains("Connection refused"), get.get("errors").toString());
            assertKeys(minus(keys, Set.of(victimKeysInOrder.get(0))), strings(get, "hits"),
                    "the rest is served by the survivors again");
            proxy.awaitEjects(2);
            long ejectedAgain = System.nanoTime();

            ServerProcess restarted = ServerProcess.start(ServerProcess.freePort(), victimPort);
            servers.set(VICTIM, restarted);
            sleepUntil(ejectedAgain + TimeUnit.MILLISECONDS.toNanos(retryMillis + 300));
            get = client.call("get rt " + KEYS);
            assertNoErrors(get);
            assertKeys(before.get(VICTIM), strings(get, "misses"),
                    "the instance is back in the ring, empty: its keys map to it again and miss");
            assertKeys(minus(keys, before.get(VICTIM)), strings(get, "hits"));
            Set<String> stranded = new HashSet<>();
            for (int i : survivors()) {
                stranded.addAll(contents(i, List.copyOf(before.get(VICTIM))));
            }
            assertKeys(before.get(VICTIM), stranded,
                    "the copies set on the survivors during the outage are still there, unreachable");
        }
    }

    // ---- pymemcache HashClient ---------------------------------------------------------------

    /**
     * HashClient with {@code ignore_exc=True} and {@code retry_attempts=0}: the first failure on
     * the killed instance (the closed connection, then a refused reconnect) is swallowed into a
     * miss, and a refused connect removes the instance from the hash at once, so no more than two
     * calls reach it; its keys then hash to the survivors (rendezvous hashing: the survivors'
     * keys stay put). After {@code dead_timeout} it is put back, and a restarted, empty instance
     * on the same address gets its keys again: they miss. (HashClient looks for servers to put
     * back at most once per dead_timeout, so that happens between one and two dead_timeouts
     * after the server was marked dead.)
     */
    @Test
    void hashClientWithIgnoreExcFailsOverQuietlyAndTakesTheInstanceBackAfterDeadTimeout() throws Exception {
        int deadTimeoutSeconds = 2;
        List<String> keys = keys("hq", KEYS);
        try (PythonSession client = PythonSession.start(SCRIPT, (Object[]) hashArgs("--ignore-exc", "--retry-attempts", "0",
                "--dead-timeout", Integer.toString(deadTimeoutSeconds)))) {
            JsonObject set = client.call("set hq " + KEYS);
            assertKeys(Set.copyOf(keys), strings(set, "stored"));
            List<Set<String>> before = assertSpreadOverAll(keys);
            assertKeys(before, routedPerInstance(set), "the instances hold what the client's hash says");
            List<String> victimKeysInOrder = keys.stream().filter(before.get(VICTIM)::contains).toList();

            int victimPort = servers.get(VICTIM).memcachedPort;
            servers.get(VICTIM).kill();
            JsonObject get = client.call("get hq " + KEYS);
            long removed = System.nanoTime();
            assertNoErrors(get);
            List<String> triedOnDead = keys.stream()
                    .filter(k -> routedTo(get, k) == VICTIM).toList();
            assertTrue(triedOnDead.size() >= 1 && triedOnDead.size() <= 2, triedOnDead.toString());
            assertEquals(victimKeysInOrder.subList(0, triedOnDead.size()), triedOnDead,
                    "only the first calls for the dead instance's keys reach it, then it is out of the hash");
            assertKeys(before.get(VICTIM), strings(get, "misses"), "its keys miss, quietly");
            assertKeys(minus(keys, before.get(VICTIM)), strings(get, "hits"));

            JsonObject setAgain = client.call("set hq " + KEYS);
            assertNoErrors(setAgain);
            assertKeys(Set.copyOf(keys), strings(setAgain, "stored"));
            assertTrue(routedTo(setAgain, VICTIM).isEmpty(), "nothing is routed to the dead instance any more");
            assertRemappedOverSurvivors(keys, before);

            ServerProcess restarted = ServerProcess.start(ServerProcess.freePort(), victimPort);
            servers.set(VICTIM, restarted);
            sleepUntil(removed + TimeUnit.MILLISECONDS.toNanos(2 * deadTimeoutSeconds * 1000L + 500));
            JsonObject back = client.call("get hq " + KEYS);
            assertNoErrors(back);
            assertKeys(before, routedPerInstance(back), "after dead_timeout the hash is the one from the start");
            assertKeys(before.get(VICTIM), strings(back, "misses"), "the restarted instance is empty");
            assertKeys(minus(keys, before.get(VICTIM)), strings(back, "hits"));
        }
    }

    /**
     * HashClient on its defaults ({@code ignore_exc=False}, {@code retry_attempts=2},
     * {@code retry_timeout=1}): the caller sees the failures as exceptions; between retries the
     * dead instance's keys answer None without being tried, and they are not remapped until
     * the retries are spent and it is removed from the hash. Then sets go to the survivors.
     */
    @Test
    void hashClientWithoutIgnoreExcRaisesUntilItsRetriesAreSpent() throws Exception {
        List<String> keys = keys("hl", KEYS);
        try (PythonSession client = PythonSession.start(SCRIPT, (Object[]) hashArgs())) {
            assertEquals(KEYS, strings(client.call("set hl " + KEYS), "stored").size());
            List<Set<String>> before = assertSpreadOverAll(keys);
            List<String> victimKeysInOrder = keys.stream().filter(before.get(VICTIM)::contains).toList();

            servers.get(VICTIM).kill();
            JsonObject first = client.call("get hl " + KEYS);
            Set<String> errors = first.getAsJsonObject("errors").keySet();
            assertTrue(errors.contains(victimKeysInOrder.get(0)), "the first call on the dead instance raises: " + first.get("errors"));
            assertTrue(before.get(VICTIM).containsAll(errors), "only calls on the dead instance raise");
            // The closed connection, then the refused reconnect that marks it failed; or just one
            // of them when the closed connection already fails as a socket error.
            assertTrue(errors.size() <= 2, first.get("errors").toString());
            assertKeys(minus(before.get(VICTIM), errors), strings(first, "misses"),
                    "the rest of its keys answer None while it waits to be retried");
            assertKeys(minus(keys, before.get(VICTIM)), strings(first, "hits"));
            assertTrue(keys.stream().filter(before.get(VICTIM)::contains).allMatch(k -> routedTo(first, k) == VICTIM),
                    "not remapped yet");

            // One pass over the keys per retry_timeout, until no call is routed to it any more.
            int passes = 0;
            for (boolean routedToDead = true; routedToDead; ) {
                assertTrue(++passes <= 5, "still in the hash after " + passes + " retry rounds");
                Thread.sleep(1200);
                JsonObject pass = client.call("get hl " + KEYS);
                assertTrue(before.get(VICTIM).containsAll(pass.getAsJsonObject("errors").keySet()));
                assertKeys(minus(keys, before.get(VICTIM)), strings(pass, "hits"));
                routedToDead = !routedTo(pass, VICTIM).isEmpty();
            }
            // Round 1 fails its retry (attempt 1), round 2 fails again (attempt 2) and removes it
            // from the hash mid-pass, round 3 routes nothing to it.
            assertEquals(3, passes, "rounds until the dead instance was out of the hash");

            JsonObject set = client.call("set hl " + KEYS);
            assertNoErrors(set);
            assertKeys(Set.copyOf(keys), strings(set, "stored"));
            assertRemappedOverSurvivors(keys, before);
            assertKeys(Set.copyOf(keys), strings(client.call("get hl " + KEYS), "hits"));
        }
    }

    // ---- spymemcached ketama -----------------------------------------------------------------

    /**
     * spymemcached's KetamaConnectionFactory on its default FailureMode.Redistribute. It notices
     * the kill on the first call written to the dead connection (that call is cancelled, or
     * redistributed when the close was seen first). Then a call for one of the dead instance's
     * keys goes to the first live instance in the key's ketama sequence (the key's own point,
     * then six rehashes of it): gets miss without an exception and sets are stored there. A key
     * whose seven tries all land on the dead instance (about 0.14% of its keys with three
     * instances) cannot be redistributed: spymemcached queues it on the dead instance anyway
     * ("Could not redistribute to another node, retrying primary node"), and the call times out.
     */
    @Test
    void spymemcachedKetamaRedistributesTheKeysOfAKilledInstance() throws Exception {
        List<String> keys = keys("spr", KEYS);
        MemcachedClient client = spymemcached(FailureMode.Redistribute);
        try {
            List<Set<String>> before = fillAndCheckSpymemcached(client, keys);
            Map<String, Integer> placement = new LinkedHashMap<>();
            for (String key : before.get(VICTIM)) {
                placement.put(key, redistributedTo(client, key));
            }
            String probe = placement.entrySet().stream().filter(e -> e.getValue() >= 0)
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            Object first = killAndAwaitUnavailable(client, probe);
            assertTrue(first == null || first instanceof CancellationException, "first call: " + first);

            for (String key : keys) {
                if (!before.get(VICTIM).contains(key)) {
                    assertEquals(valueOf(key), client.get(key), key);
                } else if (placement.get(key) >= 0) {
                    assertNull(client.get(key), key);
                } else {
                    assertThrows(OperationTimeoutException.class, () -> client.get(key), key);
                }
            }
            for (String key : keys) {
                if (placement.getOrDefault(key, 0) >= 0) {
                    assertTrue(client.set(key, 0, valueOf(key)).get(5, TimeUnit.SECONDS), key);
                } else {
                    assertThrows(TimeoutException.class, () -> client.set(key, 0, valueOf(key)).get(5, TimeUnit.SECONDS), key);
                }
            }
            for (int i : survivors()) {
                Set<String> expected = new HashSet<>(before.get(i));
                placement.forEach((key, to) -> {
                    if (to == i) {
                        expected.add(key);
                    }
                });
                assertKeys(expected, contents(i, keys), "instance " + i + ": its own keys and those redistributed to it");
            }
            long stuck = placement.values().stream().filter(to -> to < 0).count();
            assertTrue(stuck <= before.get(VICTIM).size() / 20, stuck + " keys could not be redistributed");
            for (int i : survivors()) {
                assertTrue(placement.containsValue(i), "instance " + i + " takes over some of the dead one's keys");
            }
        } finally {
            client.shutdown(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Where FailureMode.Redistribute sends a call for the key once the victim is down: the first
     * instance other than the victim in the key's ketama sequence; -1 when there is none.
     */
    private int redistributedTo(MemcachedClient client, String key) {
        Iterator<MemcachedNode> sequence = client.getNodeLocator().getSequence(key);
        while (sequence.hasNext()) {
            int instance = instanceOnPort(((InetSocketAddress) sequence.next().getSocketAddress()).getPort());
            if (instance != VICTIM) {
                return instance;
            }
        }
        return -1;
    }

    /**
     * The same with FailureMode.Cancel: calls for the killed instance's keys are cancelled at
     * once (a get throws CancellationException, a set's future fails with one) and nothing is
     * remapped; the survivors' keys work as before.
     */
    @Test
    void spymemcachedKetamaCancelsTheKeysOfAKilledInstance() throws Exception {
        List<String> keys = keys("spc", KEYS);
        MemcachedClient client = spymemcached(FailureMode.Cancel);
        try {
            List<Set<String>> before = fillAndCheckSpymemcached(client, keys);
            String firstVictimKey = keys.stream().filter(before.get(VICTIM)::contains).findFirst().orElseThrow();
            Object first = killAndAwaitUnavailable(client, firstVictimKey);
            assertInstanceOf(CancellationException.class, first, "first call");

            for (String key : keys) {
                if (before.get(VICTIM).contains(key)) {
                    assertInstanceOf(CancellationException.class, cause(assertThrows(RuntimeException.class,
                            () -> client.get(key))), key);
                    ExecutionException e = assertThrows(ExecutionException.class,
                            () -> client.set(key, 0, valueOf(key)).get(5, TimeUnit.SECONDS), key);
                    assertInstanceOf(CancellationException.class, cause(e), key);
                } else {
                    assertEquals(valueOf(key), client.get(key), key);
                    assertTrue(client.set(key, 0, valueOf(key)).get(5, TimeUnit.SECONDS), key);
                }
            }
            for (int i : survivors()) {
                assertKeys(before.get(i), contents(i, keys), "nothing was remapped to instance " + i);
                assertEquals(before.get(i).size(), currItems(i));
            }
        } finally {
            client.shutdown(5, TimeUnit.SECONDS);
        }
    }

    private MemcachedClient spymemcached(FailureMode mode) throws IOException, InterruptedException {
        KetamaConnectionFactory factory = new KetamaConnectionFactory() {
            @Override
            public FailureMode getFailureMode() {
                return mode;
            }

            @Override
            public long getOperationTimeout() {
                return 2000;
            }
        };
        List<InetSocketAddress> addresses = servers.stream()
                .map(s -> new InetSocketAddress("127.0.0.1", s.memcachedPort)).toList();
        MemcachedClient client = new MemcachedClient(factory, addresses);
        // It connects in the background; a call made before then would be redistributed.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.getAvailableServers().size() < INSTANCES) {
            if (System.nanoTime() > deadline) {
                client.shutdown();
                throw new IllegalStateException("spymemcached did not connect: " + client.getUnavailableServers());
            }
            Thread.sleep(10);
        }
        return client;
    }

    /** Sets every key, checks the spread and that it is where the client's ketama ring says. */
    private List<Set<String>> fillAndCheckSpymemcached(MemcachedClient client, List<String> keys) throws Exception {
        for (String key : keys) {
            assertTrue(client.set(key, 0, valueOf(key)).get(5, TimeUnit.SECONDS), key);
        }
        List<Set<String>> before = assertSpreadOverAll(keys);
        for (String key : keys) {
            int port = ((InetSocketAddress) client.getNodeLocator().getPrimary(key).getSocketAddress()).getPort();
            assertTrue(before.get(instanceOnPort(port)).contains(key), key + " is not where ketama puts it");
            assertEquals(valueOf(key), client.get(key), key);
        }
        return before;
    }

    /**
     * Kills the victim and makes the client notice: spymemcached reads a connection only while it
     * awaits a reply on it, so it sees the close only when a call for one of the victim's keys
     * is written to the dead connection. Returns what became of that first call: its
     * CancellationException (it was in flight when the connection broke), or its value when the
     * client saw the close before writing it and placed it by the failure mode.
     */
    private Object killAndAwaitUnavailable(MemcachedClient client, String victimKey) throws Exception {
        InetSocketAddress victim = new InetSocketAddress("127.0.0.1", servers.get(VICTIM).memcachedPort);
        servers.get(VICTIM).kill();
        Thread.sleep(200);
        assertTrue(client.getUnavailableServers().isEmpty(), "spymemcached cannot know before it uses the connection");
        Object first;
        try {
            first = client.asyncGet(victimKey).get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | CancellationException | TimeoutException e) {
            first = cause(e);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (client.getUnavailableServers().stream().noneMatch(a -> sameAddress(a, victim))) {
            assertTrue(System.nanoTime() < deadline, "spymemcached did not notice the kill: " + client.getUnavailableServers());
            Thread.sleep(20);
        }
        assertEquals(INSTANCES - 1, client.getAvailableServers().size());
        return first;
    }

    private static boolean sameAddress(java.net.SocketAddress a, InetSocketAddress b) {
        return a instanceof InetSocketAddress i && i.getPort() == b.getPort();
    }

    private static Throwable cause(Throwable t) {
        while (t.getCause() != null && !(t instanceof CancellationException)) {
            t = t.getCause();
        }
        return t;
    }

    // ---- what the instances hold ---------------------------------------------------------------

    /**
     * Checks that every instance got a share of the keys (its {@code stats} curr_items above 0),
     * that the shares add up to the number of keys and that no key is on two instances; returns
     * each instance's share.
     */
    private List<Set<String>> assertSpreadOverAll(List<String> keys) throws IOException {
        List<Set<String>> shares = new ArrayList<>();
        long sum = 0;
        for (int i = 0; i < INSTANCES; i++) {
            long items = currItems(i);
            assertTrue(items > 0, "instance " + i + " got no keys");
            sum += items;
            Set<String> share = contents(i, keys);
            assertEquals(items, share.size(), "instance " + i + ": curr_items against its contents");
            shares.add(share);
        }
        assertEquals(keys.size(), sum, "curr_items of the three add up to the keys set: " + sizes(shares));
        Set<String> union = new HashSet<>();
        shares.forEach(union::addAll);
        assertKeys(Set.copyOf(keys), union, "every key is on exactly one instance: " + sizes(shares));
        return shares;
    }

    /**
     * After the dead instance's keys were set again: each survivor still holds its own keys, the
     * dead instance's keys went to the survivors, each getting some, and nothing is on both.
     */
    private void assertRemappedOverSurvivors(List<String> keys, List<Set<String>> before) throws IOException {
        Set<String> union = new HashSet<>();
        long sum = 0;
        for (int i : survivors()) {
            Set<String> now = contents(i, keys);
            assertTrue(now.containsAll(before.get(i)), "instance " + i + " kept its own keys");
            Set<String> gained = minus(now, before.get(i));
            assertTrue(before.get(VICTIM).containsAll(gained), "instance " + i + " only gained the dead one's keys");
            assertFalse(gained.isEmpty(), "instance " + i + " took over some of the dead one's keys");
            union.addAll(now);
            sum += currItems(i);
        }
        assertKeys(Set.copyOf(keys), union);
        assertEquals(keys.size(), sum, "no key is on both survivors");
    }

    private List<Integer> memcachedPorts() {
        return servers.stream().map(s -> s.memcachedPort).toList();
    }

    private List<Integer> survivors() {
        return IntStream.range(0, INSTANCES).filter(i -> i != VICTIM).boxed().toList();
    }

    private int instanceOnPort(int port) {
        return IntStream.range(0, INSTANCES).filter(i -> servers.get(i).memcachedPort == port)
                .findFirst().orElseThrow(() -> new AssertionError("no instance on port " + port));
    }

    private long currItems(int instance) throws IOException {
        try (MemcachedWire wire = new MemcachedWire(servers.get(instance).memcachedPort)) {
            return wire.stat("curr_items");
        }
    }

    /** Which of the keys the instance holds, each with the value the clients set. */
    private Set<String> contents(int instance, List<String> keys) throws IOException {
        Set<String> held = new LinkedHashSet<>();
        try (MemcachedWire wire = new MemcachedWire(servers.get(instance).memcachedPort)) {
            for (int from = 0; from < keys.size(); from += 100) {
                wire.send("get " + String.join(" ", keys.subList(from, Math.min(keys.size(), from + 100))) + "\r\n");
                for (String line; (line = wire.line()) != null && !line.equals("END"); ) {
                    String key = line.split(" ")[1];
                    assertEquals(valueOf(key), wire.line(), "value of " + key + " on instance " + instance);
                    held.add(key);
                }
            }
        }
        return held;
    }

    // ---- the script's answers ----------------------------------------------------------------

    private String[] hashArgs(String... options) {
        List<String> args = new ArrayList<>(List.of("hash"));
        args.addAll(List.of(options));
        servers.forEach(s -> args.add("127.0.0.1:" + s.memcachedPort));
        return args.toArray(String[]::new);
    }

    /** The instance HashClient routed the key to in that answer, -1 for none. */
    private int routedTo(JsonObject answer, String key) {
        String node = answer.getAsJsonObject("routed").get(key).getAsString();
        if (node.isEmpty()) {
            return -1;
        }
        return instanceOnPort(Integer.parseInt(node.substring(node.lastIndexOf(':') + 1)));
    }

    /** The keys HashClient routed to the given instance in that answer. */
    private Set<String> routedTo(JsonObject answer, int instance) {
        return answer.getAsJsonObject("routed").keySet().stream()
                .filter(k -> routedTo(answer, k) == instance).collect(Collectors.toSet());
    }

    private List<Set<String>> routedPerInstance(JsonObject answer) {
        List<Set<String>> routed = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            routed.add(routedTo(answer, i));
        }
        return routed;
    }

    /** assertEquals for sets of keys, saying only what differs (the sets are hundreds long). */
    private static void assertKeys(Collection<String> expected, Collection<String> actual, String message) {
        Set<String> missing = minus(expected, actual);
        Set<String> unexpected = minus(actual, expected);
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            fail((message == null ? "" : message + ": ") + missing.size() + " missing " + first(missing)
                    + ", " + unexpected.size() + " unexpected " + first(unexpected));
        }
    }

    private static void assertKeys(Collection<String> expected, Collection<String> actual) {
        assertKeys(expected, actual, null);
    }

    private static void assertKeys(List<Set<String>> expected, List<Set<String>> actual, String message) {
        assertEquals(expected.size(), actual.size(), message);
        for (int i = 0; i < expected.size(); i++) {
            assertKeys(expected.get(i), actual.get(i), message + ", instance " + i);
        }
    }

    private static List<String> first(Set<String> keys) {
        return keys.stream().limit(10).toList();
    }

    private static void assertNoErrors(JsonObject answer) {
        assertEquals(0, answer.getAsJsonObject("errors").size(), "errors: " + answer.get("errors"));
    }

    private static Set<String> strings(JsonObject answer, String field) {
        JsonArray array = answer.getAsJsonArray(field);
        Set<String> set = new LinkedHashSet<>();
        for (JsonElement e : array) {
            set.add(e.getAsString());
        }
        return set;
    }

    private static List<String> keys(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
    }

    /** The value every client here sets for a key (scaleout_client.py uses the same). */
    static String valueOf(String key) {
        return "value-of-" + key;
    }

    private static Set<String> minus(Collection<String> a, Collection<String> b) {
        Set<String> d = new LinkedHashSet<>(a);
        d.removeAll(b);
        return d;
    }

    private static Map<Integer, Integer> sizes(List<Set<String>> shares) {
        Map<Integer, Integer> sizes = new LinkedHashMap<>();
        for (int i = 0; i < shares.size(); i++) {
            sizes.put(i, shares.get(i).size());
        }
        return sizes;
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }
}
