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
 * Found by the chaos suite, seed 11 on a fresh cluster ({@code -Dchaos.seed=11
 * -Dchaos.duration=20s}): connections of a node killed with {@code kill -9} shortly before Redis
 * restarted empty never got a cleanup. Redis forgot their records, so neither the restarted node
 * nor a survivor knew they existed. The node's own record of them (its {@code state-dir}) now
 * brings their cleanups back when it restarts, and a survivor's takeover that came first is
 * remembered so they get no second one.
 */
class ForgottenByRedisRegressionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void connectionsOfAKilledNodeGetOneCleanupWhenRedisForgetsThemBeforeItRestarts() throws Exception {
        History history = new History();
        try (ChaosFunctions functions = new ChaosFunctions(history);
                ChaosCluster cluster = new ChaosCluster(Files.createDirectories(dir), functions.url())) {
            NodeProcess restarted = cluster.node(0);
            List<String> ids = open(restarted, history);

            // nobody takes it over: Redis forgets it before anyone could
            cluster.node(1).stop();
            cluster.node(2).stop();
            restarted.kill();
            cluster.redis.kill(false);
            cluster.redis.start();
            restarted.start();
            assertThat(restarted.awaitReady(ChaosCluster.START_TIMEOUT)).isTrue();
            cluster.node(1).resume();
            cluster.node(2).resume();

            awaitOneCleanupEach(history, ids);
        }
    }

    @Test
    void aTakeoverBeforeRedisForgetsIsNotRepeatedWhenTheNodeRestarts() throws Exception {
        History history = new History();
        try (ChaosFunctions functions = new ChaosFunctions(history);
                ChaosCluster cluster = new ChaosCluster(Files.createDirectories(dir), functions.url())) {
            NodeProcess restarted = cluster.node(0);
            List<String> ids = open(restarted, history);

            restarted.kill();
            await().atMost(WAIT).until(() -> history.cleanupsOf(ids).size() == ids.size()); // taken over
            cluster.redis.kill(false);
            cluster.redis.start();
            restarted.start();
            assertThat(restarted.awaitReady(ChaosCluster.START_TIMEOUT)).isTrue();
            // the restarted node cleans up what it has to before it reports ready; a second cleanup
            // from anywhere else would come within a few heartbeats
            await().during(ChaosCluster.TTL.multipliedBy(2))
                    .atMost(WAIT)
                    .untilAsserted(() -> assertThat(history.cleanupsOf(ids).values())
                            .as("cleanups by connection: %s", history.cleanupsOf(ids))
                            .allSatisfy(count -> assertThat(count).isEqualTo(1)));
        }
    }

    private static List<String> open(NodeProcess node, History history) {
        List<ChaosClient> clients = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clients.add(ChaosClient.open("f" + i, i == 4, node, 0, List.of("g0"), history));
        }
        assertThat(clients).doesNotContainNull();
        return clients.stream().map(c -> c.connId).toList();
    }

    private static void awaitOneCleanupEach(History history, List<String> ids) {
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(history.cleanupsOf(ids))
                        .as("cleanups by connection")
                        .containsOnlyKeys(ids));
        assertThat(history.cleanupsOf(ids).values())
                .allSatisfy(count -> assertThat(count).isEqualTo(1));
    }
}
