package dev.speicherd.bench;

import dev.speicherd.bench.ProtocolConnection.Protocol;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A load generator for both of speicherd's protocols (and any memcached), closed loop unless
 * given a rate (below): each of
 * {@code --connections} connections, on its own virtual thread, sends a batch of {@code
 * --pipeline} requests (gets and sets of uniformly random keys, {@code --get-ratio} of them gets),
 * reads the batch's replies, and sends the next batch. The key space is preloaded first, so every
 * get must hit, and every key only ever holds its one value, so every reply is checked: a miss, a
 * wrong value, an error reply or a broken connection counts as an error, and a run with errors
 * says so loudly and exits with status 1.
 *
 * <p>A request's latency runs from when its batch started to be written to when its reply was
 * read; with a pipeline of N it includes waiting for the N-1 replies before it. Closed loop (the
 * default), the latencies do not include the time requests would have waited had the load been
 * offered at a fixed rate (coordinated omission); they are the service times the server gave at
 * the throughput it reached, and two servers are measured at different loads.
 *
 * <p>With {@code --rate}, the load is offered at a fixed rate instead, by {@link ScheduledLoad}:
 * each connection sends its batches on a schedule (its share of the rate, from a random phase),
 * and a request's latency runs from when its batch was due, not from when it went out. A server
 * that falls behind is sent the late batches back to back and charged for the wait, as wrk2
 * does, so two servers are compared at the same offered load. The rate must be below what the
 * server can do for the latencies to mean service; the report gives the rate reached. That mode
 * runs on two platform threads and non-blocking sockets, not a virtual thread per connection,
 * to take as little of the machine from the server as it can.
 *
 * <p>Prints a human-readable report and, last, one {@code RESULT key=value ...} line for scripts.
 */
public final class LoadGenerator {

    /** Requests per write while preloading. */
    private static final int PRELOAD_BATCH = 100;

    private LoadGenerator() {}

    /** What to run. */
    record Options(Protocol protocol, String host, int port, int connections, double seconds, double warmupSeconds,
            int valueBytes, int keySpace, double getRatio, int pipeline, boolean preload, int timeoutMillis,
            long seed, double rate, Path timeline) {

        /** Nanoseconds between one connection's batches at the offered rate; 0 for closed loop. */
        long batchIntervalNanos() {
            return rate == 0 ? 0 : Math.max(1, (long) (1e9 * connections * pipeline / rate));
        }
    }

    /** What a run measured. */
    record Result(long ops, long gets, long sets, long elapsedNanos, long preloadNanos, LatencyHistogram latency,
            LatencyHistogram sendLag, Map<String, Long> errors) {

        long errorCount() {
            return errors.values().stream().mapToLong(Long::longValue).sum();
        }

        double opsPerSecond() {
            return elapsedNanos == 0 ? 0 : ops * 1e9 / elapsedNanos;
        }
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs with command-line flags; returns the exit status: 0 clean, 1 errors, 2 bad usage. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("loadgen: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (options == null) {
            out.println(USAGE);
            return 0;
        }
        out.println(describe(options));
        Result result;
        try {
            result = execute(options, out);
        } catch (IOException e) {
            err.println("loadgen: cannot connect to " + options.host() + ":" + options.port() + ": " + e);
            return 1;
        }
        report(options, result, out);
        if (result.errorCount() > 0) {
            err.println("loadgen: " + result.errorCount() + " ERRORS: this run's numbers are not valid");
            return 1;
        }
        return 0;
    }

    // ---- running

    /**
     * Connects, preloads and runs the load.
     *
     * @throws IOException when a first connection cannot be made
     */
    static Result execute(Options o, PrintStream out) throws IOException {
        KeySpace keys = new KeySpace(o.keySpace(), o.valueBytes());
        List<Client> clients = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            try {
                for (int i = 0; i < o.connections(); i++) {
                    clients.add(new Client(i, o, keys));
                }
                long preloadNanos = 0;
                if (o.preload()) {
                    long start = System.nanoTime();
                    all(threads, clients, Client::preload);
                    preloadNanos = System.nanoTime() - start;
                    out.printf(Locale.ROOT, "preload: %,d keys in %.2f s%n", o.keySpace(), preloadNanos / 1e9);
                }
                long measureFrom = System.nanoTime() + seconds(o.warmupSeconds());
                long until = measureFrom + seconds(o.seconds());
                if (o.rate() == 0) {
                    all(threads, clients, c -> c.load(measureFrom, until));
                } else {
                    for (Client c : clients) {
                        c.close(); // the scheduled load opens non-blocking connections of its own
                    }
                    Timeline timeline = o.timeline() == null
                            ? null
                            : new Timeline(o.rate(), o.seconds(), o.connections(), o.pipeline());
                    new ScheduledLoad(o, keys, clients, timeline).run(measureFrom, until);
                    if (timeline != null) {
                        timeline.write(o.timeline());
                        out.printf(Locale.ROOT, "timeline: %,d replies in %s%s%n", timeline.count(), o.timeline(),
                                timeline.dropped() == 0 ? "" : " (" + timeline.dropped() + " more did not fit)");
                    }
                }

                LatencyHistogram latency = new LatencyHistogram();
                LatencyHistogram sendLag = new LatencyHistogram();
                Map<String, Long> errors = new HashMap<>();
                long ops = 0;
                long gets = 0;
                long sets = 0;
                long lastReply = measureFrom;
                for (Client c : clients) {
                    latency.add(c.latency);
                    sendLag.add(c.sendLag);
                    c.errors.forEach((what, n) -> errors.merge(what, n, Long::sum));
                    ops += c.ops;
                    gets += c.gets;
                    sets += c.sets;
                    lastReply = Math.max(lastReply, c.lastReply);
                }
                return new Result(ops, gets, sets, lastReply - measureFrom, preloadNanos, latency, sendLag, errors);
            } finally {
                for (Client c : clients) {
                    c.close();
                }
            }
        }
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    /** Runs one task per client on virtual threads and waits for all of them. */
    private static void all(ExecutorService threads, List<Client> clients, ClientTask task) {
        List<Future<?>> running = new ArrayList<>();
        for (Client c : clients) {
            running.add(threads.submit(() -> task.run(c)));
        }
        for (Future<?> f : running) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("a client failed", e.getCause());
            }
        }
    }

    @FunctionalInterface
    private interface ClientTask {
        void run(Client c);
    }

    /** One connection and what it counted; its methods run on one thread at a time. */
    static final class Client {
        private final int id;
        private final Options o;
        private final KeySpace keys;
        private final SplittableRandom random;
        private ProtocolConnection connection;
        final LatencyHistogram latency = new LatencyHistogram();
        /**
         * At a fixed rate: how late each measured batch went out, because the generator was late
         * or because this connection's previous replies were still out.
         */
        final LatencyHistogram sendLag = new LatencyHistogram();
        final Map<String, Long> errors = new HashMap<>();
        long ops;
        long gets;
        long sets;
        long lastReply;

        Client(int id, Options o, KeySpace keys) throws IOException {
            this.id = id;
            this.o = o;
            this.keys = keys;
            this.random = new SplittableRandom(o.seed() * 1_000_003L + id);
            this.connection = ProtocolConnection.open(o.protocol(), keys, o.host(), o.port(), o.timeoutMillis());
        }

        /** Stores every {@code connections}-th key, starting at this client's number. */
        void preload() {
            int[] batch = new int[PRELOAD_BATCH];
            int key = id;
            while (key < keys.size()) {
                int n = 0;
                for (; n < PRELOAD_BATCH && key < keys.size(); key += o.connections()) {
                    batch[n++] = key;
                }
                int answered = 0;
                try {
                    ProtocolConnection c = connection();
                    for (int i = 0; i < n; i++) {
                        c.sendSet(batch[i]);
                    }
                    c.flush();
                    for (; answered < n; answered++) {
                        error("preload ", c.readSet(batch[answered]));
                    }
                } catch (IOException e) {
                    broken("preload ", e, n - answered);
                }
            }
        }

        /**
         * Sends batches back to back until {@code until}, counting those that start at {@code
         * measureFrom} or later: the closed loop. A fixed rate is {@link ScheduledLoad}'s.
         */
        void load(long measureFrom, long until) {
            int depth = o.pipeline();
            int[] batch = new int[depth];
            boolean[] isGet = new boolean[depth];
            while (true) {
                long start = System.nanoTime();
                if (start >= until) {
                    return;
                }
                boolean measured = start >= measureFrom;
                nextBatch(batch, isGet);
                int answered = 0;
                try {
                    ProtocolConnection c = connection();
                    c.sendBatch(batch, isGet);
                    for (; answered < depth; answered++) {
                        String wrong = c.read(batch[answered], isGet[answered]);
                        long now = System.nanoTime();
                        error("", wrong);
                        if (measured) {
                            answered(isGet[answered], now - start, now);
                        }
                    }
                } catch (IOException e) {
                    broken("", e, depth - answered);
                    if (measured) {
                        lastReply = System.nanoTime();
                    }
                }
            }
        }

        /** A random phase in {@code [0, interval)}, for when this connection's schedule starts. */
        long phase(long interval) {
            return random.nextLong(interval);
        }

        /** Picks the next batch's keys, uniformly, and which of them are gets. */
        void nextBatch(int[] batch, boolean[] isGet) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = random.nextInt(keys.size());
                isGet[i] = random.nextDouble() < o.getRatio();
            }
        }

        /** Counts a measured reply that took {@code nanos} and came at {@code now}. */
        void answered(boolean get, long nanos, long now) {
            latency.record(nanos);
            ops++;
            if (get) {
                gets++;
            } else {
                sets++;
            }
            lastReply = now;
        }

        /** The connection, reconnected if a failure closed it. */
        private ProtocolConnection connection() throws IOException {
            if (connection == null) {
                connection = ProtocolConnection.open(o.protocol(), keys, o.host(), o.port(), o.timeoutMillis());
            }
            return connection;
        }

        void error(String phase, String wrong) {
            if (wrong != null) {
                errors.merge(phase + wrong, 1L, Long::sum);
            }
        }

        /** A connection failed with {@code unanswered} requests outstanding: all count as errors. */
        void lost(String phase, IOException e, int unanswered) {
            errors.merge(phase + "connection: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                    (long) Math.max(1, unanswered), Long::sum);
        }

        private void broken(String phase, IOException e, int unanswered) {
            lost(phase, e, unanswered);
            close();
            try {
                Thread.sleep(10); // do not spin on a server that refuses us
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }

        void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                connection = null;
            }
        }
    }

    // ---- reporting

    static String describe(Options o) {
        return String.format(Locale.ROOT,
                "loadgen: %s protocol at %s:%d; %d connections, pipeline %d, %s; %,d keys, %d-byte values, %.0f%% get;"
                        + " %s s warm-up + %s s",
                o.protocol().name().toLowerCase(Locale.ROOT), o.host(), o.port(), o.connections(), o.pipeline(),
                o.rate() == 0 ? "closed loop" : String.format(Locale.ROOT, "offered at %,.0f ops/s", o.rate()),
                o.keySpace(), o.valueBytes(), o.getRatio() * 100, number(o.warmupSeconds()), number(o.seconds()));
    }

    static void report(Options o, Result r, PrintStream out) {
        LatencyHistogram h = r.latency();
        out.printf(Locale.ROOT, "throughput: %,.0f ops/s (%,d ops: %,d get, %,d set, in %.2f s)%n", r.opsPerSecond(),
                r.ops(), r.gets(), r.sets(), r.elapsedNanos() / 1e9);
        out.printf(Locale.ROOT,
                "latency per request (us): p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  mean %s%n",
                micros(h.percentile(50)), micros(h.percentile(90)), micros(h.percentile(99)),
                micros(h.percentile(99.9)), micros(h.max()), micros((long) h.mean()));
        LatencyHistogram lag = r.sendLag();
        if (o.rate() != 0) {
            // Requests are timed from when they were due, so this lateness is in the latencies
            // above: the generator's own delays, and the waits for a connection's earlier replies.
            // When it is most of them, the latencies are not the server's service time alone.
            out.printf(Locale.ROOT, "send lag, due to sent (us): p50 %s  p99 %s  p99.9 %s  max %s%n",
                    micros(lag.percentile(50)), micros(lag.percentile(99)), micros(lag.percentile(99.9)),
                    micros(lag.max()));
        }
        long errorCount = r.errorCount();
        if (errorCount == 0) {
            out.println("errors: none (every reply checked)");
        } else {
            String bar = "!".repeat(12);
            out.printf(Locale.ROOT, "%s %,d ERRORS: this run's numbers are not valid %s%n", bar, errorCount, bar);
            r.errors().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                    .limit(20)
                    .forEach(e -> out.printf(Locale.ROOT, "%12d  %s%n", e.getValue(), e.getKey()));
        }
        out.printf(Locale.ROOT,
                "RESULT protocol=%s connections=%d pipeline=%d rate=%s value_bytes=%d key_space=%d get_ratio=%s"
                        + " seconds=%.3f ops=%d ops_per_sec=%.0f p50_us=%s p90_us=%s p99_us=%s p999_us=%s max_us=%s"
                        + " lag_p99_us=%s errors=%d%n",
                o.protocol().name().toLowerCase(Locale.ROOT), o.connections(), o.pipeline(), number(o.rate()),
                o.valueBytes(), o.keySpace(), number(o.getRatio()), r.elapsedNanos() / 1e9, r.ops(), r.opsPerSecond(),
                micros(h.percentile(50)), micros(h.percentile(90)), micros(h.percentile(99)),
                micros(h.percentile(99.9)), micros(h.max()), micros(lag.percentile(99)), errorCount);
    }

    private static String micros(long nanos) {
        return String.format(Locale.ROOT, "%.1f", nanos / 1e3);
    }

    private static String number(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    // ---- flags

    static final String USAGE = """
            usage: java -jar kv-bench.jar [flags]
              --protocol memcached|speicher   wire protocol (default memcached)
              --host HOST                     server address (default 127.0.0.1)
              --port N                        server port (default 11211, or 14567 for speicher)
              --connections N                 concurrent connections (default 50)
              --seconds S                     measured duration (default 10)
              --warmup S                      unmeasured load before it (default 1)
              --value-bytes N                 value size (default 100)
              --key-space N                   distinct keys, all preloaded (default 100000)
              --get-ratio R                   share of gets, 0 to 1; the rest are sets (default 0.9)
              --pipeline N                    requests sent per batch before reading the replies (default 1)
              --rate OPS                      offer this many requests/s in all, on a schedule, and time each
                                              request from when it was due (default 0: closed loop, as fast as replies come)
              --no-preload                    skip storing every key first (gets of unstored keys then count as errors)
              --timeout-ms N                  connect and read timeout (default 5000)
              --seed N                        random seed (default 1)
              --timeline FILE                 with --rate: write each measured reply's due time (System.nanoTime)
                                              and latency in ns to FILE, one line each (see bench/timeline.py)
            """;

    /** Parses flags; returns null for {@code --help}. */
    static Options parse(String[] args) {
        Protocol protocol = Protocol.MEMCACHED;
        String host = "127.0.0.1";
        Integer port = null;
        int connections = 50;
        double seconds = 10;
        double warmup = 1;
        int valueBytes = 100;
        int keySpace = 100_000;
        double getRatio = 0.9;
        int pipeline = 1;
        boolean preload = true;
        int timeoutMillis = 5000;
        long seed = 1;
        double rate = 0;
        Path timeline = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                return null;
            }
            if (flag.equals("--no-preload")) {
                preload = false;
                continue;
            }
            String name = flag;
            String value;
            int eq = flag.indexOf('=');
            if (flag.startsWith("--") && eq > 0) {
                name = flag.substring(0, eq);
                value = flag.substring(eq + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            switch (name) {
                case "--protocol" -> protocol = switch (value.toLowerCase(Locale.ROOT)) {
                    case "memcached" -> Protocol.MEMCACHED;
                    case "speicher" -> Protocol.SPEICHER;
                    default -> throw new IllegalArgumentException("--protocol is memcached or speicher, not " + value);
                };
                case "--host" -> host = value;
                case "--port" -> port = integer(name, value, 1, 65535);
                case "--connections" -> connections = integer(name, value, 1, 100_000);
                case "--seconds" -> seconds = decimal(name, value, 0.001, 86_400);
                case "--warmup" -> warmup = decimal(name, value, 0, 86_400);
                case "--value-bytes" -> valueBytes = integer(name, value, 1, 16 * 1024 * 1024);
                case "--key-space" -> keySpace = integer(name, value, 1, 100_000_000);
                case "--get-ratio" -> getRatio = decimal(name, value, 0, 1);
                case "--pipeline" -> pipeline = integer(name, value, 1, 100_000);
                case "--timeout-ms" -> timeoutMillis = integer(name, value, 1, 3_600_000);
                case "--seed" -> seed = integer(name, value, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case "--rate" -> rate = decimal(name, value, 0, 100_000_000);
                case "--timeline" -> timeline = Path.of(value);
                default -> throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        if (port == null) {
            port = protocol == Protocol.SPEICHER ? 14567 : 11211;
        }
        if (timeline != null) {
            if (rate == 0) {
                throw new IllegalArgumentException("--timeline needs --rate: a closed loop has no due times");
            }
            Timeline.capacity(rate, seconds, connections, pipeline); // throws if it would not fit
        }
        return new Options(protocol, host, port, connections, seconds, warmup, valueBytes, keySpace, getRatio,
                pipeline, preload, timeoutMillis, seed, rate, timeline);
    }

    private static int integer(String name, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(name + " takes a whole number from " + min + " to " + max + ", not " + value);
    }

    private static double decimal(String name, String value, double min, double max) {
        try {
            double d = Double.parseDouble(value);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(name + " takes a number from " + number(min) + " to " + number(max)
                + ", not " + value);
    }
}
