package dev.switchboard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the chaos suite (seed 23): a push through a node that had just restarted, and was
 * still joining the cluster, answered 410 for a client of another node that was open throughout.
 * Redis had restarted empty and that other node, cut off from it, had not listed itself again;
 * the joining node took "unknown to Redis" for "not in the cluster", a conclusion only a node
 * that has been connected for a full heartbeat-ttl may draw. Here the joining node is held in its
 * join by a takeover lock on its own id, so it listens while it has not joined yet.
 */
class JoiningNodeFalseGoneRegressionTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aJoiningNodeNeverAnswersGoneForAClientOfANodeRedisForgot() throws Exception {
        History history = new History();
        try (ChaosFunctions functions = new ChaosFunctions(history);
                ChaosCluster cluster = new ChaosCluster(Files.createDirectories(dir), functions.url())) {
            NodeProcess other = cluster.node(0);
            NodeProcess holder = cluster.node(1);
            NodeProcess joining = cluster.node(2);
            ChaosClient client = ChaosClient.open("j0", false, holder, 1, List.of(), history);
            assertThat(client).isNotNull();

            // nobody can list the holder again: it is cut off, the other node is paused
            cluster.links.get(1).blackhole();
            other.stop();
            joining.kill();
            cluster.redis.kill(false);
            cluster.redis.start();
            // the joining node waits for this lock until cluster.startup-timeout, then listens
            cluster.redis.cli("SET", "sb:takeover:" + joining.id(), "held-for-the-test", "PX", "120000");
            joining.start();
            await().atMost(WAIT).until(() -> joining.readyz() == 503);

            HttpResponse<String> answer = joining.push("{\"websocket\":{\"action\":\"data send\","
                    + "\"secConnectionID\":\"" + client.connId + "\",\"dataType\":\"text\",\"data\":\"x\"}}");
            assertThat(answer.statusCode())
                    .as("a push to an open client of a node this one cannot reach: %s", answer.body())
                    .isEqualTo(503);
            other.resume();
        }
    }
}
