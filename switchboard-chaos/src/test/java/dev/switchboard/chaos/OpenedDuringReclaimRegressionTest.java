package dev.switchboard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Found by the chaos suite (seeds 23 and 47, three times in one run) on the code before this fix:
 * a node restarted while Redis was out of its reach starts degraded and takes clients; once Redis
 * is back it cleans up what its previous run left. It took the connections of this run from its
 * registry first and read the ids Redis lists under it second, so a client whose handshake wrote
 * its record in between was taken for the previous run's and got a {@code node-lost} cleanup while
 * it was open. Here the node restarts cut off from Redis, clients keep opening while its link
 * comes back slow, and no client of the new run may get a cleanup it did not cause.
 */
class OpenedDuringReclaimRegressionTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void clientsOpenedWhileARestartedNodeReclaimsItsPreviousRunGetOnlyTheirOwnCleanup() throws Exception {
        History history = new History();
        try (ChaosFunctions functions = new ChaosFunctions(history);
                ChaosCluster cluster = new ChaosCluster(Files.createDirectories(dir), functions.url())) {
            NodeProcess node = cluster.node(0);
            node.kill();
            cluster.links.get(0).blackhole();
            node.start(); // degraded after cluster.startup-timeout: it listens, Redis cannot be reached
            await().atMost(WAIT).until(() -> node.readyz() == 503);

            List<ChaosClient> opened = new CopyOnWriteArrayList<>();
            AtomicBoolean opening = new AtomicBoolean(true);
            Thread opener = new Thread(() -> {
                for (int i = 0; opening.get(); i++) {
                    ChaosClient client = ChaosClient.open("r" + i, false, node, 0, List.of(), history);
                    if (client != null) {
                        opened.add(client);
                    }
                }
            });
            opener.start();
            await().atMost(WAIT).until(() -> opened.size() >= 5);
            // Redis comes back, slowly: each command of the resync and each handshake's
            // registration takes a round trip of 300 ms, so they overlap
            cluster.links.get(0).heal();
            cluster.links.get(0).delay(Duration.ofMillis(150));
            await().atMost(WAIT).until(() -> node.readyz() == 200);
            int atReady = opened.size();
            await().atMost(WAIT).until(() -> opened.size() >= atReady + 5);
            opening.set(false);
            opener.join();
            cluster.links.get(0).heal();

            opened.forEach(ChaosClient::close);
            List<String> ids = opened.stream().map(client -> client.connId).toList();
            await().atMost(WAIT).until(() -> history.cleanupsOf(ids).size() == ids.size());
            Map<String, List<String>> closedBy = history.cleanups.stream()
                    .filter(cleanup -> ids.contains(cleanup.connId()))
                    .collect(Collectors.groupingBy(
                            History.Cleanup::connId,
                            Collectors.mapping(History.Cleanup::closedBy, Collectors.toList())));
            assertThat(closedBy)
                    .as("who closed each of the %d clients of the new run", ids.size())
                    .allSatisfy((id, by) -> assertThat(by).containsExactly("client"));
        }
    }
}
