package dev.speicherd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TimelineTest {

    @Test
    void repliesPastTheRoomMadeAreCountedNotKept(@TempDir Path dir) throws Exception {
        // 10/s for 0.1 s: 1.01 replies due, rounded up to 2, and one batch for the one connection
        Timeline timeline = new Timeline(10, 0.1, 1, 1);
        timeline.record(100, 7);
        timeline.record(200, 8);
        timeline.record(300, 9);
        timeline.record(400, 10);
        assertEquals(3, timeline.count());
        assertEquals(1, timeline.dropped());
        Path file = dir.resolve("t.txt");
        timeline.write(file);
        List<String> lines = Files.readAllLines(file);
        assertEquals(Timeline.HEADER, lines.get(0));
        assertEquals(List.of("100 7", "200 8", "300 9"), lines.subList(1, lines.size()));
    }
}
