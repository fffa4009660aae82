package dev.speicherd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.speicherd.api.Item;
import dev.speicherd.api.Lookup;
import dev.speicherd.api.Store;
import dev.speicherd.storage.LogStore;
import dev.speicherd.storage.MemoryStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnginesTest {

    @TempDir
    Path dir;

    private static ServerConfig config(String... args) throws UsageException {
        return assertInstanceOf(ConfigParser.Request.Run.class, ConfigParser.parse(args, Map.of())).config();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theMemoryEngineSaysNothingMore() throws Exception {
        Engines.Opened opened = Engines.open(config(), System::currentTimeMillis, false);
        try (Store store = opened.store()) {
            assertInstanceOf(MemoryStore.class, store);
            assertEquals("", opened.description());
        }
    }

    @Test
    void theLogEngineCreatesItsDirectoryAndReplaysWhatItWasGiven() throws Exception {
        Path data = dir.resolve("data");
        ServerConfig config = config("--engine", "log", "--data-dir", data.toString(), "--fsync", "always");
        Engines.Opened first = Engines.open(config, System::currentTimeMillis, false);
        try (Store store = first.store()) {
            assertInstanceOf(LogStore.class, store);
            assertTrue(first.description().startsWith(", data dir " + data + ", replayed 0 items ("),
                    first.description());
            store.set(b("k"), b("v"), 0, Item.NEVER);
        }
        assertTrue(Files.exists(data.resolve(LogStore.LOG_FILE_NAME)));
        Engines.Opened second = Engines.open(config, System::currentTimeMillis, false);
        try (Store store = second.store()) {
            assertInstanceOf(Lookup.Hit.class, store.get(b("k")));
            assertTrue(second.description().contains("replayed 1 items"), second.description());
        }
    }
}
