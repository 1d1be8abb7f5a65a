package dev.switchboard.server.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.cluster.ConnectionRecord;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the chaos suite, seed 47 ({@code -Dchaos.seed=47 -Dchaos.duration=20s}): a reliable
 * session that moves to another node and back is opened twice in the same node's journal. The
 * second insert replaced the row but counted as a new record, so the mark beside the database
 * counted one record more than the database held, and the next start after a {@code kill -9}
 * declared the journal damaged, moved it aside and invoked none of its cleanups.
 */
class ReturningSessionJournalTest {
    @TempDir
    Path dir;

    private static ConnectionRecord record(String id) {
        return new ConnectionRecord(id, "gw", "/chat", 1_700_000_000_000L, "10.0.0.7", null, null, null);
    }

    @RepeatedTest(5) // a batch may or may not take the moves together: each run varies the split
    void aSessionThatLeavesAndComesBackIsRecordedOnceAndTheJournalStaysTrusted() {
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            journal.opened(record("gw.s"));
            journal.opened(record("gw.c"));
            journal.finished("gw.s"); // moved to another node
            journal.opened(record("gw.s")); // and back
            journal.opened(record("gw.s")); // resumed here again without leaving
            journal.opened(record("gw.t"));
            journal.finished("gw.t");
        }

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", meters)) {
            assertThat(meters.get("switchboard.journal.damaged").gauge().value())
                    .as("damaged")
                    .isZero();
            assertThat(journal.leftovers()).containsExactlyInAnyOrder(record("gw.s"), record("gw.c"));
        }
    }
}
