package dev.switchboard.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client gets its 101 only once Redis holds its connection record and its groups (issue: "the
 * connection record and the forward route to its node exist before the client gets its 101"), so a
 * node killed right after the 101 is taken over with that connection, and every node finds it.
 * The node's link to Redis is slowed here, so a record written after the 101 would still be on
 * its way when the client looks.
 */
class RegisteredBeforeUpgradeTest {
    @TempDir
    Path dir;

    @Test
    void theRecordAndTheGroupsAreInRedisWhenTheClientIsConnected() throws Exception {
        History history = new History();
        try (ChaosFunctions functions = new ChaosFunctions(history);
                ChaosCluster cluster = new ChaosCluster(Files.createDirectories(dir), functions.url())) {
            cluster.links.get(0).delay(Duration.ofMillis(400));
            for (int i = 0; i < 3; i++) {
                ChaosClient client = ChaosClient.open("u" + i, i == 2, cluster.node(0), 0, List.of("g" + i), history);
                assertThat(client).isNotNull();

                assertThat(cluster.redis.keys("sb:conn:" + client.connId))
                        .as("the record of %s, right after its 101", client.connId)
                        .isNotEmpty();
                assertThat(cluster.redis.members("sb:group:g" + i)).contains(client.connId);
            }
        }
    }
}
