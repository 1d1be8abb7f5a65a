package dev.switchboard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the chaos suite (seed 11): a push to {@code all} through a node that had just
 * restarted answered 200, and two clients of a third node, open throughout, never got it. That
 * third node was cut off from Redis while Redis restarted empty, so Redis no longer listed it;
 * the restarted node had no memory of it either, and visited only the nodes Redis listed. Now
 * every member lists again, at each resync, the members it knows, and a node that has not joined
 * yet cannot answer 200 for the whole cluster.
 */
class MemberForgottenByRedisRegressionTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void aNodeStartedAfterRedisForgotACutOffMemberStillCountsItInAnAllPush() throws Exception {
        History history = new History();
        try (ChaosFunctions functions = new ChaosFunctions(history);
                ChaosCluster cluster = new ChaosCluster(Files.createDirectories(dir), functions.url())) {
            NodeProcess remembering = cluster.node(0);
            NodeProcess restarted = cluster.node(1);
            NodeProcess cutOff = cluster.node(2);
            List<ChaosClient> clients = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                clients.add(ChaosClient.open("m" + i, false, cutOff, 2, List.of(), history));
            }
            assertThat(clients).doesNotContainNull();

            cluster.links.get(2).blackhole();
            cluster.redis.kill(false);
            cluster.redis.start();
            // the node that remembers the cut-off one resyncs with the empty Redis, and then
            // pauses, so that no takeover of the silent member comes before the push
            // (its /readyz may still answer 200 from before it noticed the restart: wait for the list)
            await().atMost(WAIT).until(() -> cluster.redis.members("sb:nodes").contains(cutOff.id()));
            await().atMost(WAIT).until(() -> remembering.readyz() == 200);
            remembering.stop();
            restarted.kill();
            restarted.start();
            assertThat(restarted.awaitReady(ChaosCluster.START_TIMEOUT)).isTrue();

            HttpResponse<String> answer = restarted.push(
                    "{\"websocket\":{\"action\":\"data send\",\"all\":true,\"dataType\":\"text\",\"data\":\"to all\"}}");
            JsonNode body = Json.mapper().readTree(answer.body());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
            assertThat(body.path("unreachableNodes").toString())
                    .as("the nodes the push could not count: %s", answer.body())
                    .contains("\"" + cutOff.id() + "\"");
            remembering.resume();
        }
    }
}
