package dev.switchboard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the chaos suite, seed 11 ({@code -Dchaos.seed=11 -Dchaos.duration=20s}): a node killed
 * with {@code kill -9} and started again with its own {@code node-id} before any survivor took it
 * over leaves the connections of its previous run without a cleanup, and their records and group
 * memberships in Redis, for good. Here the survivors are stopped ({@code SIGSTOP}) while the node
 * restarts, so nobody can take it over first, as happens when a restart is quicker than
 * {@code heartbeat-ttl} plus a survivor's next check.
 */
class NodeRestartRegressionTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void connectionsOfAKilledNodeGetOneCleanupWhenItRestartsBeforeAnyoneTookItOver() throws Exception {
        History history = new History();
        try (ChaosFunctions functions = new ChaosFunctions(history);
                ChaosCluster cluster = new ChaosCluster(Files.createDirectories(dir), functions.url())) {
            NodeProcess restarted = cluster.node(0);
            List<ChaosClient> clients = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                clients.add(ChaosClient.open("k" + i, false, restarted, 0, List.of("g0"), history));
            }
            assertThat(clients).doesNotContainNull();

            cluster.node(1).stop();
            cluster.node(2).stop();
            restarted.kill();
            restarted.start();
            assertThat(restarted.awaitReady(ChaosCluster.START_TIMEOUT)).isTrue();
            cluster.node(1).resume();
            cluster.node(2).resume();

            List<String> ids = clients.stream().map(c -> c.connId).toList();
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(history.cleanupsOf(ids))
                            .as("cleanups by connection")
                            .containsOnlyKeys(ids));
            assertThat(history.cleanupsOf(ids).values())
                    .allSatisfy(count -> assertThat(count).isEqualTo(1));
            assertThat(cluster.redis.members("sb:group:g0")).doesNotContainAnyElementsOf(ids);
        }
    }
}
