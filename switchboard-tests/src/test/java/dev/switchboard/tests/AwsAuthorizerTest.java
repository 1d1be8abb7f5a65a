package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.HostPort;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.function.FunctionTarget.Language;
import dev.switchboard.core.json.Json;
import dev.switchboard.runtimes.java.JavaFunctionInvokerFactory;
import dev.switchboard.runtimes.process.ProcessFunctionInvokerFactory;
import dev.switchboard.server.Gateway;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.WsClient;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The AWS dialect's {@code $connect} authorizer, from a real client: a REQUEST-type Lambda
 * authorizer written with {@code aws-lambda-java-events} (in process) and one written for Node in
 * the style of serverless-offline users (a worker process) allow a connection with their
 * {@code context}, which every event of it carries as {@code requestContext.authorizer}, or
 * refuse its handshake with 403 (a denying policy) or 401 (an authorizer that fails).
 */
class AwsAuthorizerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final StubFunctionServer functions = StubFunctionServer.start();
    private Gateway gateway;
    private ProcessFunctionInvokerFactory processes;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (processes != null) {
            processes.close();
        }
        functions.close();
    }

    /** $connect, $default and $disconnect on the stub, behind {@code authorizer}. */
    private void start(FunctionTarget authorizer) {
        GatewayConfig config = GatewayConfig.builder()
                .nodeId("test")
                .listen(new HostPort("127.0.0.1", 0))
                .push(PushConfig.defaults().withListen(new HostPort("127.0.0.1", 0)))
                .route(RouteConfig.builder("/aws")
                        .dialect(AwsDialectConfig.builder()
                                .apiId("abc123")
                                .authorizer(authorizer)
                                .build())
                        .stage("production")
                        .register(functions.target("/connect"))
                        .transfer(functions.target("/default"))
                        .cleanup(functions.target("/disconnect"))
                        .build())
                .build();
        processes = new ProcessFunctionInvokerFactory(config.runtimes(), Map::of);
        gateway = Gateway.builder(config)
                .functions(new JavaFunctionInvokerFactory())
                .functions(processes)
                .start();
    }

    private URI ws(String token) {
        return URI.create("ws://127.0.0.1:" + gateway.clientAddress().getPort() + "/aws?token=" + token);
    }

    private JsonNode only(String function) {
        await().atMost(WAIT).until(() -> functions.received(function).size() == 1);
        return functions.received(function).get(0);
    }

    /** Opens, sends one message and closes; answers the authorizer of $connect, $default and $disconnect. */
    private JsonNode[] authorizersOfEveryEvent(String token) {
        try (WsClient client = WsClient.open(ws(token))) {
            client.sendText("{\"action\":\"hello\"}");
            only("/default");
        }
        return new JsonNode[] {
            only("/connect").at("/requestContext/authorizer"),
            only("/default").at("/requestContext/authorizer"),
            only("/disconnect").at("/requestContext/authorizer")
        };
    }

    private void assertRefused(String token, int status, int errNo) throws Exception {
        WsClient.Refused refused = WsClient.to(ws(token)).refused();
        assertThat(refused.status()).isEqualTo(status);
        assertThat(Json.mapper().readTree(refused.body()).get("errNo").asInt()).isEqualTo(errNo);
    }

    @Test
    void javaAuthorizerAllowsWithItsContextOnEveryEventAndRefusesWith403Or401() throws Exception {
        start(FunctionTarget.parse("java:" + AwsJavaAuthorizer.class.getName() + "#handleRequest"));

        JsonNode expected =
                Json.mapper().readTree("{\"principalId\":\"alice\",\"tier\":\"gold\",\"quota\":5,\"admin\":false}");
        assertThat(authorizersOfEveryEvent("allow-alice")).containsOnly(expected);
        assertRefused("nope", 403, 4036);
        assertRefused("fail", 401, 4014);
        assertThat(functions.received("/connect"))
                .as("$connect of refused handshakes")
                .hasSize(1);
    }

    @Test
    void nodeAuthorizerInTheServerlessOfflineStyleGetsTheRequestAuthorizerEvent() throws Exception {
        start(Handlers.target(Language.NODE, Handlers.file("aws-authorizer.js"), "handler"));

        JsonNode[] authorizers = authorizersOfEveryEvent("allow-bob");
        String connectionId =
                only("/connect").at("/requestContext/connectionId").asText();
        assertThat(authorizers)
                .containsOnly(Json.mapper()
                        .createObjectNode()
                        .put("connectionSeen", connectionId)
                        .put("eventType", "CONNECT")
                        .put("routeKey", "$connect")
                        .put("type", "REQUEST")
                        .put("principalId", "bob"));
        assertRefused("nope", 403, 4036);
        assertRefused("fail", 401, 4014);
        assertThat(functions.received("/connect"))
                .as("$connect of refused handshakes")
                .hasSize(1);
    }
}
