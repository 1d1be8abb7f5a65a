package dev.switchboard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the chaos suite, seeds 11 and 23 ({@code -Dchaos.seed=11 -Dchaos.duration=20s}): a
 * Redis restarted from a snapshot older than a connection's end brought back its record and its
 * group memberships. The node's resync wrote its live connections but left those, so group
 * listings counted a member that was gone, and a later takeover of the node invoked the
 * connection's cleanup a second time. A resync now removes what Redis lists under the node that
 * it does not hold, before the node reports ready.
 */
class SnapshotResurrectionRegressionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void aRedisRestoredFromAnOlderSnapshotBringsBackNoEndedConnection() throws Exception {
        History history = new History();
        try (ChaosFunctions functions = new ChaosFunctions(history);
                ChaosCluster cluster = new ChaosCluster(Files.createDirectories(dir), functions.url())) {
            NodeProcess node = cluster.node(0);
            ChaosClient ended = ChaosClient.open("s0", false, node, 0, List.of("g0", "g1"), history);
            ChaosClient stays = ChaosClient.open("s1", false, node, 0, List.of("g0"), history);
            assertThat(ended).isNotNull();
            assertThat(stays).isNotNull();
            cluster.redis.save(); // both connections, s1 in g0
            assertThat(leave(cluster.node(1), stays.connId, "g0")).isEqualTo(200);
            ended.close();
            await().atMost(WAIT).until(() -> cleanups(history, ended.connId) == 1);

            int resyncs = resyncs(node);
            cluster.redis.killToLastSnapshot();
            cluster.redis.start();
            await().atMost(WAIT).until(() -> resyncs(node) > resyncs && node.readyz() == 200);

            assertThat(cluster.redis.keys("sb:conn:" + ended.connId))
                    .as("the ended connection's record")
                    .isEmpty();
            assertThat(cluster.redis.members("sb:group:g1")).doesNotContain(ended.connId);
            assertThat(cluster.redis.members("sb:group:g0")).doesNotContain(ended.connId, stays.connId);
            assertThat(cluster.redis.keys("sb:conn:" + stays.connId))
                    .as("the live connection's record")
                    .isNotEmpty();

            node.kill(); // a survivor takes it over and cleans up whatever Redis lists under it
            await().atMost(WAIT).until(() -> cleanups(history, stays.connId) == 1);
            await().during(ChaosCluster.TTL).atMost(WAIT).until(() -> cleanups(history, ended.connId) == 1);
        }
    }

    /** The push API's leave, through {@code via}; its HTTP status. */
    private static int leave(NodeProcess via, String id, String group) throws Exception {
        String body =
                "{\"websocket\":{\"action\":\"leave\",\"secConnectionID\":\"" + id + "\",\"group\":\"" + group + "\"}}";
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(via.pushUri("/push"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** How many times the node has written its connections to Redis (its start included). */
    private static int resyncs(NodeProcess node) {
        return node.logText().split("connections are registered", -1).length - 1;
    }

    private static long cleanups(History history, String connId) {
        return history.cleanups.stream().filter(c -> c.connId().equals(connId)).count();
    }
}
