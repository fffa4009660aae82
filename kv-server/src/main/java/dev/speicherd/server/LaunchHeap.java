package dev.speicherd.server;

import java.util.Map;
import java.util.Optional;

/**
 * What {@code bin/speicherd} asks before it starts the server, when the JVM options do not size
 * the heap: given the server's own arguments and {@code SPEICHERD_*} environment, prints the
 * {@code -Xmx} option for the heap {@link HeapFit#launchHeap} gives, or nothing when it gives none
 * or nothing will be served (help, version, or a usage error, which the server then reports
 * itself). Always exits 0.
 */
public final class LaunchHeap {

    private LaunchHeap() {}

    public static void main(String[] args) {
        option(args, System.getenv()).ifPresent(System.out::println);
    }

    static Optional<String> option(String[] args, Map<String, String> env) {
        ConfigParser.Request request;
        try {
            request = ConfigParser.parse(args, env);
        } catch (UsageException e) {
            return Optional.empty();
        }
        if (request instanceof ConfigParser.Request.Run run) {
            long heap = HeapFit.launchHeap(run.config());
            return heap == 0 ? Optional.empty() : Optional.of("-Xmx" + (heap >> 20) + "m");
        }
        return Optional.empty();
    }
}
