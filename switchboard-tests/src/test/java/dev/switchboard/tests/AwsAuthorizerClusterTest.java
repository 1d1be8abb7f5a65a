package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.ClusterConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.ReliableConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.RedisServer;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.TestGateway;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What an AWS {@code $connect} authorizer allowed a connection with moves with it: a reliable
 * session resumed on another node of a real cluster ({@code redis-server}) still has it as
 * {@code requestContext.authorizer} on its messages there.
 */
class AwsAuthorizerClusterTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final RedisServer redis = RedisServer.start();
    private final StubFunctionServer functions = StubFunctionServer.start();
    private final List<TestGateway> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        nodes.forEach(TestGateway::close);
        redis.close();
        functions.close();
    }

    /** Allows the user of {@code ?user=} with the context {@code plan: pro}. */
    static ObjectNode allowPolicy(JsonNode event) {
        ObjectNode policy = StubFunctionServer.json()
                .put("principalId", event.at("/queryStringParameters/user").asText());
        policy.putObject("policyDocument")
                .putArray("Statement")
                .addObject()
                .put("Action", "execute-api:Invoke")
                .put("Effect", "Allow")
                .put("Resource", "*");
        policy.putObject("context").put("plan", "pro");
        return policy;
    }

    private TestGateway node(String id) {
        TestGateway node = TestGateway.start(GatewayConfig.builder()
                .nodeId(id)
                .cluster(ClusterConfig.of(redis.uri()).withHeartbeat(Duration.ofMillis(200), Duration.ofSeconds(2)))
                .route(RouteConfig.builder("/chat")
                        .dialect(AwsDialectConfig.builder()
                                .authorizer(functions.target("/authorizer"))
                                .build())
                        .register(functions.target("/connect"))
                        .transfer(functions.target("/default"))
                        .cleanup(functions.target("/disconnect"))
                        .reliable(ReliableConfig.withWindow(Duration.ofSeconds(30)))
                        .build()));
        nodes.add(node);
        return node;
    }

    @Test
    void aReliableSessionThatMovesToAnotherNodeKeepsWhatTheAuthorizerAllowed() throws Exception {
        functions.on("/authorizer", event -> StubResponse.json(allowPolicy(event)));
        TestGateway a = node("node-a");
        TestGateway b = node("node-b");
        for (TestGateway node : nodes) {
            await().atMost(WAIT).until(() -> node.gateway().clusterNodes().size() == 2);
        }
        try (TcpProxy network = TcpProxy.to(a.gateway().clientAddress().getPort());
                ReliableTestClient client =
                        ReliableTestClient.open(URI.create("ws://127.0.0.1:" + network.port() + "/chat?user=ann"))) {
            network.cutAll();
            network.forwardTo(b.gateway().clientAddress().getPort());
            client.resume();
            client.send("{\"action\":\"hello\"}");

            await().atMost(WAIT).until(() -> functions.received("/default").size() == 1);
            assertThat(b.gateway().openConnections()).isEqualTo(1);
            assertThat(functions.received("/default").get(0).at("/requestContext/authorizer"))
                    .isEqualTo(StubFunctionServer.json().put("plan", "pro").put("principalId", "ann"));
            assertThat(functions.received("/authorizer")).as("authorizer calls").hasSize(1);
        }
    }
}
