package dev.switchboard.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.json.Json;
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
 * Found by the chaos suite without faults, seed 5 ({@code bench/run chaos --duration 20s --seed 5
 * --no-faults}): a list push ({@code secConnectionIDs}) that names a reliable session which
 * resumed on another node answers 200 with that session in {@code failures} as {@code gone}, long
 * after the move, although the session is open and a single push to the same id reaches it.
 */
class MovedSessionListPushRegressionTest {
    @TempDir
    Path dir;

    @Test
    void listPushReachesASessionThatMovedToAnotherNode() throws Exception {
        History history = new History();
        try (ChaosFunctions functions = new ChaosFunctions(history);
                ChaosCluster cluster = new ChaosCluster(Files.createDirectories(dir), functions.url())) {
            ChaosClient session = ChaosClient.open("s1", true, cluster.node(0), 0, List.of(), history);
            assertThat(session).isNotNull();
            session.resume(cluster.nodes, 1);
            assertThat(session.node()).as("the session resumed on n2").isEqualTo(1);

            JsonNode answer = push(
                    cluster.node(2),
                    "{\"websocket\":{\"action\":\"data send\",\"secConnectionIDs\":[\"" + session.connId
                            + "\"],\"dataType\":\"text\",\"data\":\"P1.0.1\"}}");

            assertThat(answer.path("failures").toString()).as(answer.toString()).isEqualTo("[]");
            assertThat(answer.path("delivered").asInt()).isEqualTo(1);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                session.drain();
                assertThat(session.frames())
                        .extracting(ChaosClient.Frame::pushId)
                        .containsExactly(1L);
            });
        }
    }

    private static JsonNode push(NodeProcess via, String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(via.pushUri("/push"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return Json.mapper().readTree(response.body());
    }
}
