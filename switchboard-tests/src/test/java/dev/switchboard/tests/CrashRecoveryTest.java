package dev.switchboard.tests;

import static dev.switchboard.tests.StateDirNodes.WAIT;
import static dev.switchboard.tests.StateDirNodes.ids;
import static dev.switchboard.tests.StateDirNodes.kill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.testkit.WsClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code state-dir}: the runnable jar killed with SIGKILL and started again on the same directory
 * invokes the cleanup of every connection that was open, once; a graceful stop leaves nothing
 * behind. {@link JournalIntegrityTest} covers a directory damaged between the two runs.
 */
class CrashRecoveryTest {
    private static final int CONNECTIONS = 200;
    private static final int CLOSED_BEFORE_CRASH = 20;

    @TempDir
    Path dir;

    private StateDirNodes nodes;

    @BeforeEach
    void nodesWhoseRegistrationRemembersTheConnectionInItsContext() throws Exception {
        nodes = new StateDirNodes(dir, "auto");
    }

    @AfterEach
    void stopEverything() {
        nodes.close();
    }

    @Test
    void killedNodeInvokesTheCleanupOfEveryConnectionThatWasOpenOnceAfterRestart() throws Exception {
        Process first = nodes.start();
        URI chat = nodes.clientUrl(first);
        nodes.openAll(chat, CONNECTIONS);
        Set<String> accepted = nodes.openConnections(first);
        assertThat(accepted).hasSize(CONNECTIONS);
        for (WsClient client : nodes.clients().subList(0, CLOSED_BEFORE_CRASH)) {
            client.close(1000, "bye");
        }
        await().atMost(WAIT).until(() -> nodes.cleanups("client").size() == CLOSED_BEFORE_CRASH);
        Set<String> stillOpen = new HashSet<>(accepted);
        stillOpen.removeAll(ids(nodes.cleanups("client")));
        assertThat(nodes.openConnections(first)).isEqualTo(stillOpen);
        int open = CONNECTIONS - CLOSED_BEFORE_CRASH;
        // every open connection's record is committed, and the finished ones' removals too
        await().atMost(WAIT).until(() -> nodes.metric(first, "switchboard_journal_records") == open);

        kill(first);
        assertThat(nodes.journalRecords()).isEqualTo(stillOpen);

        Process second = nodes.started();
        await().atMost(WAIT).until(() -> nodes.cleanups("node-lost").size() >= open);
        List<JsonNode> lost = nodes.cleanups("node-lost");
        assertThat(lost).hasSize(open);
        assertThat(ids(lost)).isEqualTo(stillOpen);
        assertThat(lost).allSatisfy(cleanup -> {
            assertThat(cleanup.get("closeCode").asInt()).isEqualTo(1006);
            assertThat(cleanup.at("/context/id").asText())
                    .isEqualTo(cleanup.at("/websocket/secConnectionID").asText());
            assertThat(cleanup.at("/requestContext/sourceIp").asText()).isEqualTo("127.0.0.1");
        });
        assertThat(nodes.metric(second, "switchboard_journal_recovered_records"))
                .isEqualTo(open);
        assertThat(nodes.metric(second, "switchboard_journal_lost_records")).isZero();
        assertThat(nodes.metric(second, "switchboard_journal_damaged")).isZero();
        await().atMost(WAIT).until(() -> nodes.metric(second, "switchboard_journal_records") == 0);

        // a second crash after recovery, and a third start: nothing is left to invoke again
        kill(second);
        assertThat(nodes.journalRecords()).isEmpty();
        Process third = nodes.started();
        assertThat(nodes.metric(third, "switchboard_journal_records")).isZero();
        assertThat(nodes.functions().received("/cleanup")).hasSize(CONNECTIONS);
        assertThat(ids(nodes.functions().received("/cleanup"))).isEqualTo(accepted);
        assertThat(nodes.output(third)).doesNotContain("were still open").doesNotContain("ERROR");
    }

    @Test
    void gracefulStopLeavesNoRecordAndTheNextStartInvokesNothing() throws Exception {
        Process first = nodes.start();
        URI chat = nodes.clientUrl(first);
        nodes.openAll(chat, 50);
        nodes.clients().get(0).close(1000, "bye");
        await().atMost(WAIT).until(() -> nodes.cleanups("client").size() == 1);

        first.destroy(); // SIGTERM: closes every connection with 1001 and delivers its cleanup
        assertThat(first.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isZero();
        assertThat(nodes.cleanups("shutdown")).hasSize(49);
        assertThat(nodes.journalRecords()).isEmpty();

        Process second = nodes.started();
        assertThat(nodes.metric(second, "switchboard_journal_records")).isZero();
        assertThat(nodes.functions().received("/cleanup")).hasSize(50);
        assertThat(nodes.cleanups("node-lost")).isEmpty();
    }

    @Test
    void recordOfARouteNoLongerConfiguredIsDroppedWithoutCleanup() throws Exception {
        Process first = nodes.start();
        nodes.clients().add(StateDirNodes.open(nodes.clientUrl(first)));
        await().atMost(WAIT).until(() -> nodes.metric(first, "switchboard_journal_records") == 1);
        kill(first);

        Files.writeString(nodes.config(), Files.readString(nodes.config()).replace("/chat", "/talk"));
        Process second = nodes.started();
        await().atMost(WAIT).until(() -> nodes.metric(second, "switchboard_journal_records") == 0);
        assertThat(nodes.functions().received("/cleanup")).isEmpty();
        assertThat(nodes.output(second)).contains("which is no longer configured");
    }
}
