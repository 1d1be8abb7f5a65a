package dev.switchboard.tests;

import static dev.switchboard.tests.StateDirNodes.WAIT;
import static dev.switchboard.tests.StateDirNodes.ids;
import static dev.switchboard.tests.StateDirNodes.kill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code state-dir} damaged between a crash and the next start, against the runnable jar: the
 * node detects it, moves the files aside, says in one ERROR line and three gauges what it could
 * not recover, and invokes no cleanup from records it cannot trust (which could re-deliver
 * cleanups already delivered). Damage an operator can repair without losing anything stops the
 * start instead, and the records are kept for the next one.
 *
 * <p>The random bytes written into files come from a seed that is printed; set
 * {@code -Djournal.seed=} to replay it.
 */
class JournalIntegrityTest {
    private static final long SEED = Long.getLong("journal.seed", System.nanoTime());
    private static final int IN_THE_DATABASE = 30;

    @TempDir
    Path dir;

    private StateDirNodes nodes;

    @BeforeEach
    void nodeGwA() throws Exception {
        System.out.println("JournalIntegrityTest seed: " + SEED + " (-Djournal.seed=" + SEED + " replays it)");
        nodes = new StateDirNodes(dir, "gw-a");
    }

    @AfterEach
    void stopEverything() {
        nodes.close();
    }

    @Test
    void emptyDatabaseBesideItsLogIsReportedAndNothingIsInvokedFromIt() throws Exception {
        crashWithOpen(10);
        assertThat(Files.size(nodes.log()))
                .as("the write-ahead log holds the commits")
                .isPositive();
        truncate(nodes.database(), 0);

        Process second = nodes.started();

        assertDamaged(second, "connections.db is empty but its write-ahead log connections.db-wal holds", 10);
        assertThat(movedAside()).contains("connections.db", "connections.db-wal", "connections.mark");
    }

    @Test
    void logWithoutItsDatabaseIsReported() throws Exception {
        crashWithOpen(10);
        Files.delete(nodes.database());

        Process second = nodes.started();

        assertDamaged(second, "connections.db is missing but its write-ahead log connections.db-wal holds", 10);
        assertThat(movedAside()).contains("connections.db-wal");
    }

    @Test
    void damagedLogNeitherReDeliversOldCleanupsNorLosesNewOnesSilently() throws Exception {
        Process first = nodes.started();
        URI chat = nodes.clientUrl(first);
        nodes.openAll(chat, 10);
        await().atMost(WAIT).until(() -> nodes.metric(first, "switchboard_journal_records") == 10);
        long firstCommits = Files.size(nodes.log());
        for (WsClient client : nodes.clients().subList(0, 5)) {
            client.close(1000, "bye");
        }
        await().atMost(WAIT).until(() -> nodes.cleanups("client").size() == 5);
        Set<String> cleanedUp = ids(nodes.cleanups("client"));
        await().atMost(WAIT).until(() -> nodes.metric(first, "switchboard_journal_records") == 5);
        nodes.openAll(chat, 10);
        await().atMost(WAIT).until(() -> nodes.metric(first, "switchboard_journal_records") == 15);
        kill(first);
        // garbage inside the first frame written after the first ten records (a frame is a
        // 24-byte header and a page): SQLite's replay stops there, at a commit that still holds the
        // five connections cleaned up since and none of the ten opened after
        overwrite(nodes.log(), firstCommits + 24 + 512, 64);

        Process second = nodes.started();

        assertDamaged(second, "are lost (a damaged or missing write-ahead log, or an older copy of the database)", 15);
        // each connection closed before the crash got its one cleanup, and no other
        assertThat(ids(nodes.functions().received("/cleanup"))).containsAll(cleanedUp);
        assertThat(nodes.cleanups("node-lost")).isEmpty();
    }

    @Test
    void truncatedDatabaseIsReported() throws Exception {
        truncate(crashWithRecordsInTheDatabase(), 4096);

        assertDamaged(nodes.started(), "SQLite", IN_THE_DATABASE);
    }

    @Test
    void garbageInTheDatabaseIsReported() throws Exception {
        Path database = crashWithRecordsInTheDatabase();
        overwrite(database, 4096, (int) Files.size(database) - 4096);

        assertDamaged(nodes.started(), "SQLite", IN_THE_DATABASE);
    }

    @Test
    void garbageOverTheDatabaseHeaderIsReported() throws Exception {
        overwrite(crashWithRecordsInTheDatabase(), 0, 100);

        assertDamaged(nodes.started(), "SQLite reports", IN_THE_DATABASE);
    }

    @Test
    void journalOfAnotherNodeIdIsRecoveredOnceAndTheReportNamesItsWriter() throws Exception {
        Set<String> open = crashWithOpen(5);
        Files.writeString(nodes.config(), Files.readString(nodes.config()).replace("node-id: gw-a", "node-id: gw-b"));

        Process second = nodes.started();

        await().atMost(WAIT).until(() -> nodes.cleanups("node-lost").size() == 5);
        assertThat(ids(nodes.cleanups("node-lost"))).isEqualTo(open).allMatch(id -> id.startsWith("gw-a."));
        assertThat(nodes.output(second))
                .contains("verified at commit")
                .contains("written by node gw-a: 5 records recovered")
                .doesNotContain("ERROR");
        assertThat(nodes.metric(second, "switchboard_journal_recovered_records"))
                .isEqualTo(5);
        assertThat(nodes.metric(second, "switchboard_journal_damaged")).isZero();
    }

    @Test
    void unwritableStateDirStopsTheStartAndKeepsItsRecordsForTheNext() throws Exception {
        Set<String> open = crashWithOpen(5);
        // root writes anywhere, so the directory is made immutable rather than read-only
        assumeThat(chattr("+i")).as("chattr +i works here").isTrue();
        Process refused;
        try {
            assumeThat(Files.isWritable(nodes.state()))
                    .as("an immutable directory is not writable")
                    .isFalse();
            refused = nodes.start();
            assertThat(refused.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } finally {
            chattr("-i");
        }
        assertThat(refused.exitValue()).isEqualTo(2);
        assertThat(nodes.output(refused))
                .contains("state-dir: " + nodes.state() + " is not writable by this process")
                .contains("the connections recorded in it are kept for that start");

        Process second = nodes.started();

        await().atMost(WAIT).until(() -> nodes.cleanups("node-lost").size() == 5);
        assertThat(ids(nodes.cleanups("node-lost"))).isEqualTo(open);
        assertThat(nodes.metric(second, "switchboard_journal_recovered_records"))
                .isEqualTo(5);
    }

    /** Opens {@code count} connections, waits until their records are committed, and kills the node. */
    private Set<String> crashWithOpen(int count) throws Exception {
        Process first = nodes.started();
        nodes.openAll(nodes.clientUrl(first), count);
        await().atMost(WAIT).until(() -> nodes.metric(first, "switchboard_journal_records") == count);
        Set<String> open = nodes.openConnections(first);
        kill(first);
        return open;
    }

    /**
     * Crashes with {@value #IN_THE_DATABASE} connections open and checkpoints the write-ahead log
     * into the database (as SQLite does every 1,000 pages), so that the records are in the
     * database file itself; returns that file.
     */
    private Path crashWithRecordsInTheDatabase() throws Exception {
        crashWithOpen(IN_THE_DATABASE);
        assertThat(nodes.journalRecords()).hasSize(IN_THE_DATABASE); // closing it checkpoints the log
        assertThat(nodes.log()).doesNotExist();
        return nodes.database();
    }

    /**
     * What the operator and the cleanup function see after a start on a damaged journal: one ERROR
     * line with the reason and the count lost, the gauges, no cleanup from the damaged records, and
     * a journal that records again.
     */
    private void assertDamaged(Process node, String reason, int lost) throws Exception {
        List<String> errors = nodes.output(node)
                .lines()
                .filter(line -> line.contains("ERROR"))
                .toList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0))
                .contains("state-dir: " + nodes.database() + " cannot be trusted: ")
                .contains(reason)
                .contains("Its files were moved to " + nodes.state().resolve("damaged-"))
                .contains("Lost: the cleanups of the " + lost + " connections recorded at its last commit");
        assertThat(nodes.metric(node, "switchboard_journal_damaged")).isEqualTo(1);
        assertThat(nodes.metric(node, "switchboard_journal_lost_records")).isEqualTo(lost);
        assertThat(nodes.metric(node, "switchboard_journal_recovered_records")).isZero();

        int before = nodes.functions().received("/cleanup").size();
        WsClient client = StateDirNodes.open(nodes.clientUrl(node));
        await().atMost(WAIT).until(() -> nodes.metric(node, "switchboard_journal_records") == 1);
        client.close(1000, "bye");
        await().atMost(WAIT).until(() -> nodes.functions().received("/cleanup").size() == before + 1);
        await().atMost(WAIT).until(() -> nodes.metric(node, "switchboard_journal_records") == 0);
        assertThat(nodes.cleanups("node-lost")).isEmpty();
    }

    /** The names of the files in the one {@code damaged-*} directory. */
    private List<String> movedAside() throws IOException {
        List<Path> moved;
        try (Stream<Path> files = Files.list(nodes.state())) {
            moved = files.filter(file -> file.getFileName().toString().startsWith("damaged-"))
                    .toList();
        }
        assertThat(moved).hasSize(1);
        try (Stream<Path> files = Files.list(moved.get(0))) {
            return files.map(file -> file.getFileName().toString()).toList();
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    /** Writes {@code length} random bytes (from {@link #SEED}) at {@code offset}. */
    private static void overwrite(Path file, long offset, int length) throws IOException {
        assertThat(Files.size(file)).as("%s is long enough", file).isGreaterThanOrEqualTo(offset + length);
        byte[] garbage = new byte[length];
        new Random(SEED).nextBytes(garbage);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(garbage), offset);
        }
    }

    private boolean chattr(String flag) throws IOException, InterruptedException {
        try {
            Process chattr = new ProcessBuilder("chattr", flag, nodes.state().toString())
                    .redirectErrorStream(true)
                    .start();
            return chattr.waitFor(10, TimeUnit.SECONDS) && chattr.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
