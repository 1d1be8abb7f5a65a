package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.AwsCredential;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.HostPort;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.dialect.aws.AwsEnvironment;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.json.Json;
import dev.switchboard.runtimes.process.ProcessFunctionInvokerFactory;
import dev.switchboard.server.Gateway;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Handlers written for AWS run unchanged in the process runtimes: the AWS tutorial's Node chat
 * ({@code examples/aws-node-chat}, using {@code @aws-sdk/client-apigatewaymanagementapi} with
 * the {@code https://<domainName>/<stage>} endpoint it builds, here behind a TLS front) between
 * two real clients, and a Python {@code lambda_handler} that finds the management endpoint in the
 * environment.
 */
class AwsProcessHandlersTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Path CHAT =
            Path.of("..", "examples", "aws-node-chat").toAbsolutePath().normalize();

    @TempDir
    Path temp;

    private Gateway gateway;
    private ProcessFunctionInvokerFactory processes;

    /** Installs the chat's locked npm dependencies once, when the checkout has none yet. */
    @BeforeAll
    static void installChatDependencies() throws Exception {
        if (Files.isDirectory(CHAT.resolve("node_modules/@aws-sdk/client-apigatewaymanagementapi"))) {
            return;
        }
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
                .directory(CHAT.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(npm.getInputStream().readAllBytes());
        assertThat(npm.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(npm.exitValue()).as("npm ci in %s:%n%s", CHAT, output).isZero();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (processes != null) {
            processes.close();
        }
    }

    /** A gateway with the process runtimes, whose workers get the AWS environment plus {@code extra}. */
    private void start(RouteConfig route, Map<String, String> extra, List<AwsCredential> credentials) {
        GatewayConfig draft = GatewayConfig.builder()
                .nodeId("test")
                .listen(new HostPort("127.0.0.1", 0))
                // the tutorial's TLS front forwards from a port of its own, which its callers name in
                // Host: the tokenless listener answers these names on any port
                .push(PushConfig.defaults()
                        .withAwsCredentials(credentials)
                        .withAllowedHosts(List.of("localhost", "127.0.0.1")))
                .route(route)
                .build();
        GatewayConfig config = draft.toBuilder()
                .push(draft.push().withListen(new HostPort("127.0.0.1", 0)))
                .build();
        Map<String, String> environment = new HashMap<>(extra);
        processes = new ProcessFunctionInvokerFactory(config.runtimes(), () -> environment);
        gateway = Gateway.builder(config).functions(processes).start();
        environment.putAll(ProcessFunctionInvokerFactory.pushEnvironment(gateway.pushAddress(), null));
        environment.putAll(AwsEnvironment.variables(
                "http://127.0.0.1:" + gateway.pushAddress().getPort(), config.push(), System.getenv()));
    }

    private URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + gateway.clientAddress().getPort() + path);
    }

    private static FunctionTarget node(String file) {
        return FunctionTarget.parse("node:" + CHAT.resolve(file) + ":handler");
    }

    private static List<String> connectionsIn(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        JsonNode ids = Json.mapper().readTree(file.toFile());
        return java.util.stream.StreamSupport.stream(ids.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    @Test
    void theAwsTutorialChatRunsUnchangedBetweenTwoClients() throws Exception {
        Path connections = temp.resolve("connections.json");
        try (TlsFront front = TlsFront.start(temp)) {
            start(
                    RouteConfig.builder("/chat")
                            .dialect(AwsDialectConfig.builder()
                                    .domainName("localhost:" + front.port())
                                    .routeKey("sendmessage", node("sendmessage.js"))
                                    .build())
                            .stage("production")
                            .register(node("onconnect.js"))
                            .cleanup(node("ondisconnect.js"))
                            .transferTimeout(Duration.ofSeconds(20))
                            .registerTimeout(Duration.ofSeconds(20))
                            .build(),
                    Map.of(
                            "CONNECTIONS_FILE", connections.toString(),
                            "NODE_EXTRA_CA_CERTS", front.certificate().toString()),
                    // the handlers sign with the key the gateway gives them, and the gateway verifies it
                    List.of(new AwsCredential("AKIDCHAT", "chat-secret")));
            front.forwardTo(gateway.pushAddress().getPort());

            try (WsClient alice = WsClient.open(ws("/chat"));
                    WsClient bob = WsClient.open(ws("/chat"))) {
                await().atMost(WAIT).until(() -> gateway.openConnections() == 2);
                assertThat(connectionsIn(connections)).hasSize(2);

                alice.sendText("{\"action\":\"sendmessage\",\"message\":\"hello bob\"}");
                assertThat(bob.next(WAIT).text()).isEqualTo("hello bob");
                bob.sendText("{\"action\":\"sendmessage\",\"message\":\"hi alice\"}");
                assertThat(alice.next(WAIT).text()).isEqualTo("hi alice");
                assertThat(alice.poll(Duration.ofMillis(200))).isNull();
                assertThat(bob.poll(Duration.ofMillis(200))).isNull();

                bob.close(1000, "bye");
                bob.awaitClose(WAIT);
                await().atMost(WAIT).until(() -> connectionsIn(connections).size() == 1);
                alice.sendText("{\"action\":\"sendmessage\",\"message\":\"anyone?\"}");
                alice.sendText("{\"action\":\"unknown\"}");
                JsonNode forbidden = Json.mapper().readTree(alice.next(WAIT).text());
                assertThat(forbidden.get("message").asText()).isEqualTo("Forbidden");
            }
            await().atMost(WAIT).until(() -> connectionsIn(connections).isEmpty());
        }
    }

    /** Both workers of onconnect.js change the file table at once: neither may lose the other's row. */
    @Test
    void connectionsMadeAtTheSameTimeAreAllInTheTutorialsTable() throws Exception {
        Path connections = temp.resolve("connections.json");
        start(
                RouteConfig.builder("/chat")
                        .dialect(AwsDialectConfig.defaults())
                        .stage("production")
                        .register(node("onconnect.js"))
                        .cleanup(node("ondisconnect.js"))
                        .registerTimeout(Duration.ofSeconds(20))
                        .build(),
                Map.of("CONNECTIONS_FILE", connections.toString()),
                List.of());
        int clients = 24;
        ExecutorService connecting = Executors.newFixedThreadPool(clients);
        List<WsClient> opened = new ArrayList<>();
        try {
            List<Future<WsClient>> opening = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                opening.add(connecting.submit(() -> WsClient.open(ws("/chat"))));
            }
            for (Future<WsClient> client : opening) {
                opened.add(client.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            }
            assertThat(connectionsIn(connections)).hasSize(clients);
        } finally {
            opened.forEach(WsClient::close);
            connecting.shutdownNow();
        }
        await().atMost(WAIT).until(() -> connectionsIn(connections).isEmpty());
    }

    @Test
    void pythonLambdaHandlerFindsTheManagementEndpointInItsEnvironment() throws Exception {
        Path handler = temp.resolve("echo.py");
        Files.writeString(handler, """
                import json
                import os
                import urllib.request

                def lambda_handler(event, context):
                    request = event["requestContext"]
                    if request["eventType"] != "MESSAGE":
                        return {"statusCode": 200}
                    url = "%s/%s/@connections/%s" % (
                        os.environ["AWS_ENDPOINT_URL_APIGATEWAYMANAGEMENTAPI"],
                        request["stage"],
                        request["connectionId"],
                    )
                    reply = json.dumps({"routeKey": request["routeKey"], "body": event["body"]})
                    urllib.request.urlopen(urllib.request.Request(url, data=reply.encode(), method="POST"))
                    return {"statusCode": 200}
                """);
        FunctionTarget python = FunctionTarget.parse("python:" + handler + ":lambda_handler");
        start(
                RouteConfig.builder("/py")
                        .dialect(AwsDialectConfig.defaults())
                        .stage("dev")
                        .register(python)
                        .transfer(python)
                        .transferTimeout(Duration.ofSeconds(20))
                        .registerTimeout(Duration.ofSeconds(20))
                        .build(),
                Map.of(),
                List.of());

        try (WsClient client = WsClient.open(ws("/py"))) {
            client.sendText("ping");
            JsonNode reply = Json.mapper().readTree(client.next(WAIT).text());
            assertThat(reply.get("routeKey").asText()).isEqualTo("$default");
            assertThat(reply.get("body").asText()).isEqualTo("ping");
        }
    }
}
