package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.AwsCredential;
import dev.switchboard.core.config.AwsDialectConfig;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.apigatewaymanagementapi.ApiGatewayManagementApiClient;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.ForbiddenException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GetConnectionResponse;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.GoneException;
import software.amazon.awssdk.services.apigatewaymanagementapi.model.PayloadTooLargeException;

/**
 * The {@code @connections} API on the push listener, driven by the official AWS SDK for Java v2
 * with its endpoint set to Switchboard, as a backend written for API Gateway would drive it.
 */
class AwsManagementApiTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final StubFunctionServer functions = StubFunctionServer.start();
    private TestGateway gateway;
    private ApiGatewayManagementApiClient sdk;

    @AfterEach
    void stop() {
        if (sdk != null) {
            sdk.close();
        }
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    private void start(UnaryOperator<PushConfig> push) {
        GatewayConfig.Builder config = GatewayConfig.builder()
                .route(RouteConfig.builder("/aws")
                        .dialect(AwsDialectConfig.defaults())
                        .stage("production")
                        .register(functions.target("/connect"))
                        .cleanup(functions.target("/disconnect"))
                        .build());
        config.push(push.apply(PushConfig.defaults()));
        gateway = TestGateway.start(config);
        sdk = client("AKIDEXAMPLE", "secret");
    }

    private ApiGatewayManagementApiClient client(String accessKeyId, String secret) {
        return ApiGatewayManagementApiClient.builder()
                .endpointOverride(gateway.pushUri("/production"))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secret)))
                .build();
    }

    /** A client, once the gateway has registered it (the 101 can reach the client a moment before). */
    private WsClient open() {
        int before = gateway.gateway().openConnections();
        WsClient client = WsClient.to(gateway.ws("/aws"))
                .header("User-Agent", "sdk-test-client")
                .open();
        await().atMost(WAIT).until(() -> gateway.gateway().openConnections() > before);
        return client;
    }

    private String lastConnectionId() {
        List<com.fasterxml.jackson.databind.JsonNode> connects = functions.received("/connect");
        return connects.get(connects.size() - 1)
                .at("/requestContext/connectionId")
                .asText();
    }

    private void post(String id, String text) {
        sdk.postToConnection(request -> request.connectionId(id).data(SdkBytes.fromUtf8String(text)));
    }

    @Test
    void postToConnectionDeliversToTheClient() {
        start(push -> push);
        try (WsClient client = open()) {
            post(lastConnectionId(), "hello from the SDK");
            WsClient.Message message = client.next(WAIT);
            assertThat(message.isText()).isTrue();
            assertThat(message.text()).isEqualTo("hello from the SDK");
        }
    }

    @Test
    void getConnectionReturnsTimesAndIdentity() {
        start(push -> push);
        Instant before = Instant.now().minusMillis(1);
        try (WsClient client = open()) {
            String id = lastConnectionId();
            post(id, "activity");
            client.next(WAIT);

            GetConnectionResponse connection = sdk.getConnection(request -> request.connectionId(id));
            assertThat(connection.connectedAt()).isBetween(before, Instant.now());
            assertThat(connection.lastActiveAt()).isBetween(connection.connectedAt(), Instant.now());
            assertThat(connection.identity().sourceIp()).isEqualTo("127.0.0.1");
            assertThat(connection.identity().userAgent()).isEqualTo("sdk-test-client");
        }
    }

    @Test
    void deleteConnectionClosesTheClientAndDisconnectRunsOnce() {
        start(push -> push);
        try (WsClient client = open()) {
            String id = lastConnectionId();
            sdk.deleteConnection(request -> request.connectionId(id));

            assertThat(client.awaitClose(WAIT).code()).isEqualTo(1000);
            await().atMost(WAIT).until(() -> functions.received("/disconnect").size() == 1);
            await().during(Duration.ofMillis(300))
                    .atMost(WAIT)
                    .until(() -> functions.received("/disconnect").size() == 1);
            assertThat(functions
                            .received("/disconnect")
                            .get(0)
                            .at("/requestContext/connectionId")
                            .asText())
                    .isEqualTo(id);
            assertThatThrownBy(() -> sdk.deleteConnection(request -> request.connectionId(id)))
                    .isInstanceOf(GoneException.class);
        }
    }

    @Test
    void postToAClosedConnectionThrowsGoneException() {
        start(push -> push);
        String id;
        try (WsClient client = open()) {
            id = lastConnectionId();
            client.close(1000, "bye");
            client.awaitClose(WAIT);
        }
        await().atMost(WAIT).until(() -> functions.received("/disconnect").size() == 1);

        assertThatThrownBy(() -> post(id, "too late"))
                .isInstanceOf(GoneException.class)
                .satisfies(e -> assertThat(((GoneException) e).statusCode()).isEqualTo(410));
        assertThatThrownBy(() -> sdk.getConnection(request -> request.connectionId(id)))
                .isInstanceOf(GoneException.class);
    }

    @Test
    void oversizedPostThrowsPayloadTooLargeException() {
        start(push -> push);
        try (WsClient client = open()) {
            String id = lastConnectionId();
            assertThatThrownBy(() -> post(id, "x".repeat(AwsDialectConfig.MAX_MESSAGE_BYTES + 1)))
                    .isInstanceOf(PayloadTooLargeException.class);
            post(id, "still open");
            assertThat(client.next(WAIT).text()).isEqualTo("still open");
        }
    }

    @Test
    void pathsWithoutStageAndWithEncodedAtSignWork() throws Exception {
        start(push -> push);
        try (WsClient client = open()) {
            String id = lastConnectionId();
            HttpResponse<String> plain = send("POST", "/@connections/" + id, "one", null);
            HttpResponse<String> encoded = send(
                    "POST",
                    "/production/%40connections/" + URLEncoder.encode(id, StandardCharsets.UTF_8),
                    "two",
                    "application/octet-stream");
            assertThat(plain.statusCode()).isEqualTo(200);
            assertThat(encoded.statusCode()).isEqualTo(200);
            assertThat(client.next(2, WAIT)).extracting(WsClient.Message::text).containsExactly("one", "two");

            HttpResponse<String> deleted = send("DELETE", "/%40connections/" + id, null, null);
            assertThat(deleted.statusCode()).isEqualTo(204);
            client.awaitClose(WAIT);
        }
    }

    @Test
    void errorsCarryTheAmazonErrorType() throws Exception {
        start(push -> push);
        HttpResponse<String> gone = send("GET", "/production/@connections/test.nobody", null, null);
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(gone.headers().firstValue("x-amzn-ErrorType")).contains("GoneException");
        assertThat(gone.body()).startsWith("{\"message\":");

        HttpResponse<String> noId = send("GET", "/production/@connections/", null, null);
        assertThat(noId.statusCode()).isEqualTo(400);
        assertThat(noId.headers().firstValue("x-amzn-ErrorType")).contains("BadRequestException");
    }

    @Test
    void signaturesAreVerifiedWhenAccessKeysAreConfigured() throws Exception {
        start(push -> push.withAwsCredentials(List.of(new AwsCredential("AKIDEXAMPLE", "secret"))));
        try (WsClient client = open();
                ApiGatewayManagementApiClient wrongSecret = client("AKIDEXAMPLE", "not-the-secret");
                ApiGatewayManagementApiClient unknownKey = client("AKIDOTHER", "secret")) {
            String id = lastConnectionId();
            post(id, "signed");
            assertThat(client.next(WAIT).text()).isEqualTo("signed");

            assertThatThrownBy(() -> wrongSecret.postToConnection(
                            request -> request.connectionId(id).data(SdkBytes.fromUtf8String("forged"))))
                    .isInstanceOf(ForbiddenException.class);
            assertThatThrownBy(() -> unknownKey.getConnection(request -> request.connectionId(id)))
                    .isInstanceOf(ForbiddenException.class);
            HttpResponse<String> unsigned = send("POST", "/production/@connections/" + id, "unsigned", null);
            assertThat(unsigned.statusCode()).isEqualTo(403);
            assertThat(unsigned.headers().firstValue("x-amzn-ErrorType")).contains("ForbiddenException");
            assertThat(client.poll(Duration.ofMillis(200))).isNull();
        }
    }

    @Test
    void withOnlyAPushTokenItSignsAsTheSecretOrGoesAsBearer() throws Exception {
        start(push -> push.withToken("t0ken"));
        try (WsClient client = open();
                ApiGatewayManagementApiClient tokenSigned = client("any-key-id", "t0ken")) {
            String id = lastConnectionId();
            tokenSigned.postToConnection(request -> request.connectionId(id).data(SdkBytes.fromUtf8String("signed")));
            assertThat(client.next(WAIT).text()).isEqualTo("signed");

            assertThatThrownBy(() -> post(id, "wrong secret")).isInstanceOf(ForbiddenException.class);

            HttpResponse<String> bearer = send("POST", "/@connections/" + id, "bearer", null, "Bearer t0ken");
            assertThat(bearer.statusCode()).isEqualTo(200);
            assertThat(client.next(WAIT).text()).isEqualTo("bearer");
        }
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
        return send(method, path, body, contentType, null);
    }

    private HttpResponse<String> send(String method, String path, String body, String contentType, String auth)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + gateway.gateway().pushAddress().getPort() + path))
                .timeout(WAIT)
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (auth != null) {
            request.header("Authorization", auth);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
