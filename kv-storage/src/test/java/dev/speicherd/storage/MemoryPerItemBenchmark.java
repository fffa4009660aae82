package dev.speicherd.storage;

import dev.speicherd.api.Clock;
import dev.speicherd.api.Item;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Not a test: measures what one item really costs in a {@link MemoryStore}'s heap, and what the
 * store's own accounting ({@code stats().bytes()}) says it costs. Run by hand, with the test
 * classpath and a JDK 21+:
 *
 * <pre>
 * java -cp kv-api/target/classes:kv-storage/target/classes:kv-storage/target/test-classes \
 *     dev.speicherd.storage.MemoryPerItemBenchmark [items] [key bytes] [value bytes]
 * </pre>
 *
 * <p>The store lives in a child JVM with default heap settings (G1, compressed oops and
 * compressed class pointers, as any heap under 32 GiB has), so that nothing of this process
 * is counted. The parent asks {@code jcmd} for a full GC and the used heap when the store is
 * empty and again when it holds the items; the difference over the item count is the cost of
 * one item. The child also reports its own view after {@code System.gc()}, as a cross-check,
 * and the class histogram says where the bytes went.
 */
public final class MemoryPerItemBenchmark {

    private static final int DEFAULT_ITEMS = 1_000_000;
    private static final int DEFAULT_KEY_BYTES = 32;
    private static final int DEFAULT_VALUE_BYTES = 100;
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    private static final int HISTOGRAM_ROWS = 10;

    private MemoryPerItemBenchmark() {}

    /**
     * Runs the measurement, or, with {@code child} as the first argument, is the measured JVM.
     *
     * @param args optional item count, key size and value size
     * @throws Exception if anything fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("child")) {
            child(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int items = args.length > 0 ? Integer.parseInt(args[0]) : DEFAULT_ITEMS;
        int keyBytes = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_KEY_BYTES;
        int valueBytes = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_VALUE_BYTES;
        parent(items, keyBytes, valueBytes);
    }

    private static void parent(int items, int keyBytes, int valueBytes) throws Exception {
        Path javaHome = Path.of(System.getProperty("java.home"));
        String jcmd = javaHome.resolve("bin").resolve("jcmd").toString();
        List<String> command = List.of(
                javaHome.resolve("bin").resolve("java").toString(),
                "-XX:+UseCompressedOops",
                "-cp", System.getProperty("java.class.path"),
                MemoryPerItemBenchmark.class.getName(), "child",
                Integer.toString(items), Integer.toString(keyBytes), Integer.toString(valueBytes));
        Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        long pid = child.pid();
        BufferedReader from = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        PrintStream to = new PrintStream(child.getOutputStream(), true, StandardCharsets.UTF_8);
        try {
            System.out.println(expect(from, "jvm "));
            expect(from, "empty");
            long emptyHeap = jcmdHeapUsed(jcmd, pid);
            to.println("measure");
            long emptySelf = Long.parseLong(expect(from, "heap ").substring(5));

            to.println("fill");
            String filled = expect(from, "full ");
            long fullHeap = jcmdHeapUsed(jcmd, pid);
            to.println("measure");
            long fullSelf = Long.parseLong(expect(from, "heap ").substring(5));
            List<String> histogram = jcmd(jcmd, pid, "GC.class_histogram");
            to.println("exit");
            child.waitFor();

            long statsBytes = Long.parseLong(filled.split(" ")[2]);
            int payload = keyBytes + valueBytes;
            double perItem = (double) (fullHeap - emptyHeap) / items;
            double perItemSelf = (double) (fullSelf - emptySelf) / items;
            double accounted = (double) statsBytes / items;
            System.out.printf(Locale.ROOT, "%d items, %d-byte keys, %d-byte values (%d payload bytes each)%n",
                    items, keyBytes, valueBytes, payload);
            System.out.printf(Locale.ROOT, "heap per item (jcmd GC.run, GC.heap_info): %.1f bytes, overhead %.1f%n",
                    perItem, perItem - payload);
            System.out.printf(Locale.ROOT, "heap per item (System.gc, MemoryMXBean):   %.1f bytes, overhead %.1f%n",
                    perItemSelf, perItemSelf - payload);
            System.out.printf(Locale.ROOT, "stats().bytes() per item:                   %.1f bytes, overhead %.1f%n",
                    accounted, accounted - payload);
            System.out.printf(Locale.ROOT, "accounting / heap: %.3f%n", accounted / perItem);
            System.out.println("largest classes when full (instances, bytes, bytes per item):");
            int rows = 0;
            for (String line : histogram) {
                String[] cols = line.trim().split("\\s+");
                if (cols.length >= 4 && cols[0].endsWith(":") && rows++ < HISTOGRAM_ROWS) {
                    long bytes = Long.parseLong(cols[2]);
                    System.out.printf(Locale.ROOT, "  %-60s %10s %12d %8.1f%n",
                            cols[3], cols[1], bytes, (double) bytes / items);
                }
            }
        } finally {
            child.destroy();
        }
    }

    private static void child(int items, int keyBytes, int valueBytes) throws IOException {
        PrintStream out = System.out;
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        out.println("jvm " + Runtime.version() + ", max heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB, "
                + ManagementFactory.getGarbageCollectorMXBeans().getFirst().getName().replace(" Young Generation", "") + ", "
                + flag("UseCompressedOops") + ", " + flag("UseCompressedClassPointers") + ", "
                + flag("UseCompactObjectHeaders"));
        Clock clock = System::currentTimeMillis;
        MemoryStore store = new MemoryStore(clock, 0, Duration.ZERO);
        out.println("empty");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null && !line.equals("exit"); line = in.readLine()) {
            switch (line) {
                case "measure" -> {
                    for (int i = 0; i < 5; i++) {
                        System.gc();
                    }
                    out.println("heap " + memory.getHeapMemoryUsage().getUsed());
                }
                case "fill" -> {
                    for (int i = 0; i < items; i++) {
                        store.set(key(i, keyBytes), value(i, valueBytes), 0, Item.NEVER);
                    }
                    out.println("full " + store.stats().currItems() + " " + store.stats().bytes());
                }
                default -> throw new IllegalArgumentException(line);
            }
        }
        store.close();
    }

    /** A key of exactly {@code length} bytes, distinct for every {@code i}, as a client might send. */
    static byte[] key(int i, int length) {
        byte[] key = new byte[length];
        byte[] digits = ("key:" + i).getBytes(StandardCharsets.US_ASCII);
        java.util.Arrays.fill(key, (byte) '_');
        System.arraycopy(digits, 0, key, 0, Math.min(length, digits.length));
        return key;
    }

    static byte[] value(int i, int length) {
        byte[] value = new byte[length];
        java.util.Arrays.fill(value, (byte) ('a' + i % 26));
        return value;
    }

    private static String flag(String name) {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return name + "=" + bean.getVMOption(name).getValue();
        } catch (IllegalArgumentException absent) {
            return name + " absent";
        }
    }

    private static String expect(BufferedReader from, String prefix) throws IOException {
        String line = from.readLine();
        if (line == null || !line.startsWith(prefix)) {
            throw new IOException("expected '" + prefix + "' from the child, got " + line);
        }
        return line;
    }

    private static long jcmdHeapUsed(String jcmd, long pid) throws IOException, InterruptedException {
        for (int i = 0; i < 3; i++) {
            jcmd(jcmd, pid, "GC.run");
        }
        for (String line : jcmd(jcmd, pid, "GC.heap_info")) {
            Matcher m = HEAP_USED.matcher(line);
            if (m.find()) {
                return Long.parseLong(m.group(1)) * 1024;
            }
        }
        throw new IOException("no 'used NK' in jcmd GC.heap_info");
    }

    private static List<String> jcmd(String jcmd, long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(jcmd, Long.toString(pid), command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        }
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + command + " failed: " + lines);
        }
        return lines;
    }
}
