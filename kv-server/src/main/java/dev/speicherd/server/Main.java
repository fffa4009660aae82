package dev.speicherd.server;

import static java.lang.System.Logger.Level.ERROR;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import dev.speicherd.api.Clock;
import dev.speicherd.server.binary.BinaryProtocolHandler;
import dev.speicherd.server.memcached.MemcachedProtocolHandler;
import dev.speicherd.server.speicher.SpeicherProtocolHandler;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import sun.misc.Signal;

/**
 * The {@code speicherd} command: parses flags, opens the store, starts the listeners, and stops
 * in order on SIGINT or SIGTERM (a second signal exits at once). The only class that writes to
 * the standard streams, with {@link LaunchHeap}, which the launcher runs before it.
 */
public final class Main {

    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    /** The process's exit codes. */
    enum ExitCode {
        OK(0), FAILURE(1), USAGE(2);

        final int status;

        ExitCode(int status) {
            this.status = status;
        }
    }

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args).status);
    }

    static ExitCode run(String[] args) {
        ConfigParser.Request request;
        try {
            request = ConfigParser.parse(args, System.getenv());
        } catch (UsageException e) {
            System.err.println("speicherd: " + e.getMessage());
            return ExitCode.USAGE;
        }
        return switch (request) {
            case ConfigParser.Request.Help h -> {
                System.out.print(ConfigParser.help());
                yield ExitCode.OK;
            }
            case ConfigParser.Request.Version v -> {
                System.out.println("speicherd " + Version.current());
                yield ExitCode.OK;
            }
            case ConfigParser.Request.Run r -> serve(r.config(), r.logRepair());
        };
    }

    private static ExitCode serve(ServerConfig config, boolean logRepair) {
        Logging.configure(config.verbosity());
        long started = System.nanoTime();
        Clock clock = new TurnClock();
        Server server;
        Engines.Opened opened;
        try {
            opened = Engines.open(config, clock, logRepair);
            server = Server.start(config, opened.store(), clock, Map.of(
                    Protocol.SPEICHER, new SpeicherProtocolHandler(),
                    Protocol.MEMCACHED, new MemcachedProtocolHandler(),
                    Protocol.BINARY, new BinaryProtocolHandler()));
        } catch (IOException | RuntimeException e) {
            LOG.log(ERROR, "speicherd failed to start: " + e.getMessage(), e);
            return ExitCode.FAILURE;
        }
        AtomicBoolean signalled = new AtomicBoolean();
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> {
                if (signalled.compareAndSet(false, true)) {
                    LOG.log(INFO, "SIG{0}: stopping (a second signal exits at once)", signal.getName());
                    Thread.ofPlatform().name("speicherd-stop").start(server::stop);
                } else {
                    Runtime.getRuntime().halt(ExitCode.FAILURE.status);
                }
            });
        }
        HeapFit.warning(config.memoryLimitBytes(), config).ifPresent(warning -> LOG.log(WARNING, warning)); // before "ready"
        LOG.log(INFO, "speicherd {0} ready: {1}; engine {2}{3}; memory limit {4}; max item {5}; "
                + "max connections {6}; heap up to {7} MiB; io {8}; started in {9} ms",
                Version.current(),
                server.addresses().stream().map(a -> a.getAddress().getHostAddress() + ":" + a.getPort())
                        .collect(Collectors.joining(", ")),
                config.engine().name().toLowerCase(Locale.ROOT),
                opened.description(),
                config.memoryLimitBytes() == 0 ? "none" : config.memoryLimitBytes() + " bytes",
                config.maxItemBytes() + " bytes",
                String.valueOf(config.maxConnections()),
                String.valueOf(Runtime.getRuntime().maxMemory() >> 20),
                server.describe(),
                String.valueOf((System.nanoTime() - started) / 1_000_000));
        try {
            server.awaitStop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCode.FAILURE;
        }
        return ExitCode.OK;
    }
}
