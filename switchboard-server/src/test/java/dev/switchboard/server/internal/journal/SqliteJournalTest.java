package dev.switchboard.server.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.json.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteJournalTest {
    @TempDir
    Path dir;

    private static ConnectionRecord record(String id) {
        ObjectNode context = Json.mapper().createObjectNode().put("user", "alice");
        return new ConnectionRecord(id, "gw", "/chat", 1_700_000_000_000L, "10.0.0.7", "curl/8", "chat", context);
    }

    @Test
    void recordsNotFinishedAreLeftOverForTheNextOpenWithEveryField() {
        try (SqliteJournal journal = SqliteJournal.open(dir, new SimpleMeterRegistry())) {
            assertThat(journal.leftovers()).isEmpty();
            journal.opened(record("gw.a"));
            journal.opened(record("gw.b"));
            journal.opened(record("gw.c"));
            journal.finished("gw.b");
        }

        try (SqliteJournal journal = SqliteJournal.open(dir, new SimpleMeterRegistry())) {
            assertThat(journal.leftovers()).containsExactlyInAnyOrder(record("gw.a"), record("gw.c"));
        }
    }

    @Test
    void recordWithoutOptionalFieldsRoundTrips() {
        ConnectionRecord bare = new ConnectionRecord("gw.x", "gw", "/chat", 1L, "::1", null, null, null);

        assertThat(RecordCodec.decode(RecordCodec.encode(bare))).isEqualTo(bare);
    }

    @Test
    void unreadableRecordIsRefused() {
        assertThatThrownBy(() -> RecordCodec.decode("{\"v\":2}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: 1");
    }

    @Test
    void secondNodeOnTheSameDirectoryIsRefused() {
        try (SqliteJournal journal = SqliteJournal.open(dir, new SimpleMeterRegistry())) {
            assertThatThrownBy(() -> SqliteJournal.open(dir, new SimpleMeterRegistry()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("state-dir: " + dir + " is in use by another process"
                            + " (expected: a directory of this node's own)");
        }
    }

    @Test
    void directoryThatCannotBeCreatedIsAConfigError() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("a-file"), "x");

        assertThatThrownBy(() -> SqliteJournal.open(file.resolve("state"), new SimpleMeterRegistry()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("state-dir: cannot create " + file.resolve("state"));
    }
}
