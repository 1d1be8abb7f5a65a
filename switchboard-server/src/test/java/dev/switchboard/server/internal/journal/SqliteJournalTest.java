package dev.switchboard.server.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.json.Json;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteJournalTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-07T21:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static ConnectionRecord record(String id) {
        ObjectNode context = Json.mapper().createObjectNode().put("user", "alice");
        return new ConnectionRecord(id, "gw", "/chat", 1_700_000_000_000L, "10.0.0.7", "curl/8", "chat", context);
    }

    @Test
    void recordsNotFinishedAreLeftOverForTheNextOpenWithEveryField() {
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            assertThat(journal.leftovers()).isEmpty();
            journal.opened(record("gw.a"));
            journal.opened(record("gw.b"));
            journal.opened(record("gw.c"));
            journal.finished("gw.b");
        }

        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            assertThat(journal.leftovers()).containsExactlyInAnyOrder(record("gw.a"), record("gw.c"));
        }
    }

    @Test
    void recordWithoutOptionalFieldsRoundTrips() {
        ConnectionRecord bare = new ConnectionRecord("gw.x", "gw", "/chat", 1L, "::1", null, null, null);

        assertThat(RecordCodec.decode(RecordCodec.encode(bare))).isEqualTo(bare);
    }

    @Test
    void recordWithAUserAndAnAuthorizerRoundTrips() {
        ConnectionRecord withUser = new ConnectionRecord(
                "gw.u",
                "gw",
                "/chat",
                1L,
                "::1",
                null,
                null,
                null,
                "alice",
                Json.mapper().createObjectNode().put("principalId", "alice"));

        assertThat(RecordCodec.decode(RecordCodec.encode(withUser))).isEqualTo(withUser);
    }

    @Test
    void recordOfAReleaseThatDidNotRecordUsersReadsAsAConnectionWithoutAUser() {
        String written = "{\"v\":1,\"id\":\"gw.o\",\"node\":\"gw\",\"route\":\"/chat\","
                + "\"connectedAt\":1,\"remoteAddress\":\"::1\",\"userAgent\":\"curl/8\"}";

        ConnectionRecord read = RecordCodec.decode(written);

        assertThat(read).isEqualTo(new ConnectionRecord("gw.o", "gw", "/chat", 1L, "::1", "curl/8", null, null));
        assertThat(read.userId()).isNull();
    }

    @Test
    void unreadableRecordIsRefused() {
        assertThatThrownBy(() -> RecordCodec.decode("{\"v\":2}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected: 1");
    }

    @Test
    void secondNodeOnTheSameDirectoryIsRefused() {
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            assertThatThrownBy(() -> SqliteJournal.open(dir, "gw", new SimpleMeterRegistry()))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("state-dir: " + dir + " is in use by another process"
                            + " (expected: a directory of this node's own)");
        }
    }

    @Test
    void directoryThatCannotBeCreatedIsAConfigError() throws Exception {
        Path file = java.nio.file.Files.writeString(dir.resolve("a-file"), "x");

        assertThatThrownBy(() -> SqliteJournal.open(file.resolve("state"), "gw", new SimpleMeterRegistry()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("state-dir: cannot create " + file.resolve("state"));
    }

    @Test
    void verifiedJournalReportsWhatItRecovered() {
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            journal.opened(record("gw.a"));
            journal.opened(record("gw.b"));
        }
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", meters)) {
            assertThat(journal.leftovers()).hasSize(2);
            assertThat(gauge(meters, "switchboard.journal.recovered.records")).isEqualTo(2);
            assertThat(gauge(meters, "switchboard.journal.lost.records")).isZero();
            assertThat(gauge(meters, "switchboard.journal.damaged")).isZero();
        }
    }

    @Test
    void olderCopyOfTheDatabaseIsMovedAsideAndNothingIsRecoveredFromIt() throws Exception {
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            journal.opened(record("gw.a"));
            journal.opened(record("gw.b"));
        }
        Path older = Files.copy(database(), dir.resolve("older.db"));
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            journal.finished("gw.a");
            journal.opened(record("gw.c"));
        }
        Files.copy(older, database(), StandardCopyOption.REPLACE_EXISTING);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", meters, CLOCK)) {
            assertThat(journal.leftovers())
                    .as("gw.a was finished: not invoked again")
                    .isEmpty();
            assertThat(gauge(meters, "switchboard.journal.damaged")).isEqualTo(1);
            assertThat(gauge(meters, "switchboard.journal.lost.records")).isEqualTo(2);
            assertThat(dir.resolve("damaged-20261207T210000Z").resolve("connections.db"))
                    .exists();
            assertThat(dir.resolve("damaged-20261207T210000Z").resolve("connections.mark"))
                    .exists();
            journal.opened(record("gw.d"));
        }
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            assertThat(journal.leftovers()).containsExactly(record("gw.d"));
        }
    }

    @Test
    void databaseOfAnotherGenerationIsMovedAside() throws Exception {
        Path other = dir.resolve("other");
        try (SqliteJournal journal = SqliteJournal.open(other, "gw", new SimpleMeterRegistry())) {
            journal.opened(record("gw.x"));
        }
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            journal.opened(record("gw.a"));
        }
        Files.copy(other.resolve("connections.db"), database(), StandardCopyOption.REPLACE_EXISTING);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", meters)) {
            assertThat(journal.leftovers()).isEmpty();
            assertThat(gauge(meters, "switchboard.journal.damaged")).isEqualTo(1);
            assertThat(gauge(meters, "switchboard.journal.lost.records")).isEqualTo(1);
        }
    }

    @Test
    void journalWithoutItsMarkIsMovedAsideWithAnUnknownLoss() throws Exception {
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            journal.opened(record("gw.a"));
        }
        Files.delete(dir.resolve("connections.mark"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", meters)) {
            assertThat(journal.leftovers()).isEmpty();
            assertThat(gauge(meters, "switchboard.journal.damaged")).isEqualTo(1);
            assertThat(gauge(meters, "switchboard.journal.lost.records")).isNaN();
        }
    }

    @Test
    void unreadableMarkIsMovedAside() throws Exception {
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            journal.opened(record("gw.a"));
        }
        Path mark = dir.resolve("connections.mark");
        Files.writeString(mark, Files.readString(mark).replace("records=1", "records=9"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", meters)) {
            assertThat(journal.leftovers()).isEmpty();
            assertThat(gauge(meters, "switchboard.journal.damaged")).isEqualTo(1);
        }
    }

    @Test
    void journalOfAnOlderReleaseWithoutMarkIsUsedAsItIs() throws Exception {
        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", new SimpleMeterRegistry())) {
            journal.opened(record("gw.a"));
        }
        try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + database())) {
            db.createStatement().execute("DROP TABLE journal_mark");
        }
        Files.delete(dir.resolve("connections.mark"));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();

        try (SqliteJournal journal = SqliteJournal.open(dir, "gw", meters)) {
            assertThat(journal.leftovers()).containsExactly(record("gw.a"));
            assertThat(gauge(meters, "switchboard.journal.damaged")).isZero();
        }
    }

    @Test
    void markRoundTripsAndRefusesAChangedByte() {
        JournalMark mark = new JournalMark("gw-1", "3f2a", 57, 15);
        byte[] bytes = mark.encode();

        assertThat(bytes).hasSize(JournalMark.SIZE);
        assertThat(JournalMark.decode(bytes)).isEqualTo(mark);
        bytes[40] ^= 1;
        assertThatThrownBy(() -> JournalMark.decode(bytes)).isInstanceOf(IllegalArgumentException.class);
    }

    private Path database() {
        return dir.resolve(SqliteJournal.FILE_NAME);
    }

    private static double gauge(SimpleMeterRegistry meters, String name) {
        return meters.get(name).gauge().value();
    }
}
