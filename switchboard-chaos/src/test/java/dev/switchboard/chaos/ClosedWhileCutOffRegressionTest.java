package dev.switchboard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the chaos suite on the code before this fix: a connection that ends while its node
 * cannot reach Redis kept its record there (the removal was dropped while the link was down, and
 * the resync after the outage only writes live connections), so a later takeover of that node sent
 * the connection a second cleanup ({@code client}, then {@code node-lost}). Here the node's Redis
 * link is blackholed while the client closes, healed, and then the node is killed and taken over.
 */
class ClosedWhileCutOffRegressionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aConnectionClosedWhileItsNodeIsCutOffGetsOneCleanup() throws Exception {
        History history = new History();
        try (ChaosFunctions functions = new ChaosFunctions(history);
                ChaosCluster cluster = new ChaosCluster(Files.createDirectories(dir), functions.url())) {
            NodeProcess node = cluster.node(0);
            ChaosClient client = ChaosClient.open("c0", false, node, 0, List.of("g0"), history);
            assertThat(client).isNotNull();

            cluster.links.get(0).blackhole();
            await().atMost(WAIT).until(() -> node.readyz() == 503); // it knows it is cut off
            client.close();
            await().atMost(WAIT).until(() -> cleanups(history, client.connId) == 1);
            cluster.links.get(0).heal();
            await().atMost(WAIT).until(() -> node.readyz() == 200);

            node.kill(); // a survivor takes it over and cleans up whatever Redis lists under it
            await().atMost(WAIT).until(() -> !cluster.redis.members("sb:nodes").contains(node.id()));

            assertThat(cleanups(history, client.connId))
                    .as("cleanups of the closed connection")
                    .isEqualTo(1);
            assertThat(cluster.redis.keys("sb:conn:" + client.connId)).isEmpty();
            assertThat(cluster.redis.members("sb:group:g0")).doesNotContain(client.connId);
        }
    }

    private static long cleanups(History history, String connId) {
        return history.cleanups.stream().filter(c -> c.connId().equals(connId)).count();
    }
}
