package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.TestGateway.PushResponse;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The push API: sending to and closing connections, and its answer to every kind of bad request. */
class PushApiTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final StubFunctionServer functions = StubFunctionServer.start();
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    private void start() {
        start(GatewayConfig.builder());
    }

    private void start(GatewayConfig.Builder builder) {
        gateway = TestGateway.start(builder.route(RouteConfig.builder("/chat")
                .register(functions.target("/register"))
                .cleanup(functions.target("/cleanup"))
                .build()));
    }

    /** Opens a client and returns it with the id its registration saw. */
    private Connected connect() {
        int before = functions.received("/register").size();
        WsClient client = WsClient.open(gateway.ws("/chat"));
        String id = functions
                .received("/register")
                .get(before)
                .at("/websocket/secConnectionID")
                .asText();
        return new Connected(client, id);
    }

    private record Connected(WsClient client, String id) {}

    @Test
    void dataSendReachesTheClientAsTextAndAsBinary() {
        start();
        Connected c = connect();

        PushResponse text = gateway.push(TestGateway.sendText(c.id(), "hello ✓"));
        String binaryBody = "{\"websocket\":{\"action\":\"data send\",\"secConnectionID\":\"" + c.id()
                + "\",\"dataType\":\"binary\",\"data\":\""
                + Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}) + "\"}}";
        PushResponse binary = gateway.push(binaryBody);

        assertThat(text.status()).isEqualTo(200);
        assertThat(text.errNo()).isZero();
        assertThat(text.body().get("errMsg").asText()).isEqualTo("ok");
        assertThat(binary.status()).isEqualTo(200);
        assertThat(c.client().next(WAIT).text()).isEqualTo("hello ✓");
        WsClient.Message received = c.client().next(WAIT);
        assertThat(received.isText()).isFalse();
        assertThat(received.data()).containsExactly(1, 2, 3);
        c.client().close();
    }

    @Test
    void closingClosesTheClientAndItsCleanupRunsOnceWithClosedByPush() {
        start();
        Connected c = connect();

        PushResponse response = gateway.push(TestGateway.closing(c.id(), 4000, "kicked"));

        assertThat(response.status()).isEqualTo(200);
        WsClient.Closed closed = c.client().awaitClose(WAIT);
        assertThat(closed.code()).isEqualTo(4000);
        assertThat(closed.reason()).isEqualTo("kicked");
        await().atMost(WAIT).until(() -> functions.received("/cleanup").size() == 1);
        JsonNode cleanup = functions.received("/cleanup").get(0);
        assertThat(cleanup.at("/websocket/action").asText()).isEqualTo("closing");
        assertThat(cleanup.at("/websocket/secConnectionID").asText()).isEqualTo(c.id());
        assertThat(cleanup.get("closedBy").asText()).isEqualTo("push");
        assertThat(cleanup.get("closeCode").asInt()).isEqualTo(4000);
        assertThat(cleanup.get("closeReason").asText()).isEqualTo("kicked");
        // a second close of the same connection is a push to a closed connection
        assertThat(gateway.push(TestGateway.closing(c.id(), 4000, "again")).status())
                .isEqualTo(410);
        assertThat(functions.received("/cleanup")).hasSize(1);
    }

    @Test
    void pushToUnknownOrClosedConnectionAnswersGone() {
        start();
        Connected c = connect();
        c.client().close(1000, "bye");
        c.client().awaitClose(WAIT);
        await().atMost(WAIT).until(() -> functions.received("/cleanup").size() == 1);

        PushResponse closed = gateway.push(TestGateway.sendText(c.id(), "late"));
        PushResponse unknown = gateway.push(TestGateway.sendText("test.nosuchconnection", "x"));

        assertThat(closed.status()).isEqualTo(410);
        assertThat(closed.errNo()).isEqualTo(4100);
        assertThat(closed.body().get("errMsg").asText()).contains(c.id());
        assertThat(unknown.status()).isEqualTo(410);
        assertThat(unknown.errNo()).isEqualTo(4100);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "not JSON                 | hello                                                                         | 400 | 4000",
                "JSON but not an object   | [1,2]                                                                         | 400 | 4000",
                "no websocket object      | {\"x\":1}                                                                     | 400 | 4001",
                "missing action           | {\"websocket\":{\"secConnectionID\":\"a\"}}                                   | 400 | 4001",
                "missing connection id    | {\"websocket\":{\"action\":\"data send\",\"dataType\":\"text\",\"data\":\"x\"}} | 400 | 4001",
                "data not a string        | {\"websocket\":{\"action\":\"data send\",\"secConnectionID\":\"a\",\"dataType\":\"text\",\"data\":5}} | 400 | 4001",
                "unknown action           | {\"websocket\":{\"action\":\"explode\",\"secConnectionID\":\"a\"}}           | 400 | 4002",
                "unknown dataType         | {\"websocket\":{\"action\":\"data send\",\"secConnectionID\":\"a\",\"dataType\":\"xml\",\"data\":\"x\"}} | 400 | 4002",
                "bad base64               | {\"websocket\":{\"action\":\"data send\",\"secConnectionID\":\"a\",\"dataType\":\"binary\",\"data\":\"***\"}} | 400 | 4003",
                "bad close code           | {\"websocket\":{\"action\":\"closing\",\"secConnectionID\":\"a\",\"closeCode\":1006}} | 400 | 4001",
            })
    void malformedPushBodiesGetTheirOwnStatusAndErrNo(String name, String body, int status, int errNo) {
        start();

        PushResponse response = gateway.push(body);

        assertThat(response.status()).isEqualTo(status);
        assertThat(response.errNo()).isEqualTo(errNo);
        assertThat(response.body().get("errMsg").asText()).isNotBlank();
    }

    @Test
    void errorMessagesNameTheField() {
        start();

        PushResponse response =
                gateway.push("{\"websocket\":{\"action\":\"data send\",\"dataType\":\"text\",\"data\":\"x\"}}");

        assertThat(response.body().get("errMsg").asText()).contains("secConnectionID");
    }

    @Test
    void bodyOverTheLimitAnswers413() {
        start(GatewayConfig.builder().push(PushConfig.defaults().withListen(PushConfig.DEFAULT_LISTEN)));
        Connected c = connect();
        String big = "x".repeat(PushConfig.DEFAULT_MAX_BODY_BYTES + 1);

        PushResponse response = gateway.push(TestGateway.sendText(c.id(), big));

        assertThat(response.status()).isEqualTo(413);
        assertThat(response.errNo()).isEqualTo(4130);
        assertThat(c.client().poll(Duration.ofMillis(200))).isNull();
        c.client().close();
    }

    @Test
    void streamedBodyOverTheLimitWithoutContentLengthAnswers413() throws IOException {
        start();
        try (Socket socket =
                new Socket("127.0.0.1", gateway.gateway().pushAddress().getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            String size = Integer.toHexString(chunk.length) + "\r\n";
            try {
                for (int i = 0; i < 20; i++) {
                    out.write(size.getBytes(StandardCharsets.US_ASCII));
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (IOException closedByGateway) {
                // the gateway answered and closed while we were still sending: expected
            }
            InputStream in = socket.getInputStream();
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("\"errNo\":4130");
        }
    }

    @Test
    void wrongOrMissingTokenAnswers401AndTheRightOneWorks() {
        start(GatewayConfig.builder().push(PushConfig.defaults().withToken("s3cret")));
        Connected c = connect();

        PushResponse missing = gateway.push(TestGateway.sendText(c.id(), "a"));
        PushResponse wrong = gateway.push(TestGateway.sendText(c.id(), "b"), "guess");
        PushResponse right = gateway.push(TestGateway.sendText(c.id(), "c"), "s3cret");

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.errNo()).isEqualTo(4010);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(right.status()).isEqualTo(200);
        assertThat(c.client().next(WAIT).text()).isEqualTo("c");
        assertThat(c.client().poll(Duration.ofMillis(100))).isNull();
        c.client().close();
    }

    @Test
    void thePushOnlyTokenSendsButCannotUseTheAdminApi() {
        start(GatewayConfig.builder()
                .push(PushConfig.defaults().withToken("admin-s3cret").withPushToken("push-s3cret")));
        Connected c = connect();

        PushResponse pushed = gateway.push(TestGateway.sendText(c.id(), "a"), "push-s3cret");
        PushResponse listed = gateway.send(HttpRequest.newBuilder(gateway.pushUri("/connections"))
                .header("Authorization", "Bearer push-s3cret")
                .build());
        PushResponse kicked = gateway.send(HttpRequest.newBuilder(gateway.pushUri("/connections/" + c.id()))
                .header("Authorization", "Bearer push-s3cret")
                .DELETE()
                .build());
        PushResponse listedByAdmin = gateway.send(HttpRequest.newBuilder(gateway.pushUri("/connections"))
                .header("Authorization", "Bearer admin-s3cret")
                .build());
        PushResponse pushedByAdmin = gateway.push(TestGateway.sendText(c.id(), "b"), "admin-s3cret");

        assertThat(pushed.status()).isEqualTo(200);
        assertThat(listed.status()).isEqualTo(403);
        assertThat(listed.errNo()).isEqualTo(4034);
        assertThat(kicked.status()).isEqualTo(403);
        assertThat(kicked.errNo()).isEqualTo(4034);
        assertThat(listedByAdmin.status()).isEqualTo(200);
        assertThat(pushedByAdmin.status()).isEqualTo(200);
        assertThat(c.client().next(WAIT).text()).isEqualTo("a");
        assertThat(c.client().next(WAIT).text()).isEqualTo("b");
        assertThat(c.client().isOpen()).as("the push token could not close it").isTrue();
        c.client().close();
    }

    @Test
    void healthzAnswersWithoutToken() {
        start(GatewayConfig.builder().push(PushConfig.defaults().withToken("s3cret")));

        PushResponse health =
                gateway.send(HttpRequest.newBuilder(gateway.pushUri("/healthz")).build());

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().get("status").asText()).isEqualTo("ok");
    }

    @Test
    void unknownEndpointAndWrongMethodAreJsonErrors() {
        start();

        PushResponse unknown =
                gateway.send(HttpRequest.newBuilder(gateway.pushUri("/nope")).build());
        PushResponse getPush =
                gateway.send(HttpRequest.newBuilder(gateway.pushUri("/push")).build());

        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errNo()).isEqualTo(4040);
        assertThat(getPush.status()).isEqualTo(405);
        assertThat(getPush.errNo()).isEqualTo(4050);
    }

    @ParameterizedTest(name = "GET {0}")
    @CsvSource({"/connections/%zz", "/connections/abc%zz/groups", "/groups/%zz/members", "/connections?cursor=%zz"})
    void aBadPercentEscapeInTheUriIsA400AndTheConnectionKeepsServing(String target) throws IOException {
        start();
        try (Socket socket =
                new Socket("127.0.0.1", gateway.gateway().pushAddress().getPort())) {
            socket.setSoTimeout(10_000);
            // the JDK's HTTP client refuses such a URI, so it goes over a raw socket, followed by
            // a good request on the same connection
            socket.getOutputStream()
                    .write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                                    + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));

            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answers)
                    .startsWith("HTTP/1.1 400")
                    .contains("\"errNo\":4001")
                    .contains("not valid percent-encoding")
                    .contains("HTTP/1.1 200")
                    .contains("\"status\":\"ok\"");
        }
    }

    @Test
    void manyPushesShareOneKeepAliveConnection() throws IOException {
        start();
        Connected c = connect();
        try (Socket socket =
                new Socket("127.0.0.1", gateway.gateway().pushAddress().getPort())) {
            OutputStream out = socket.getOutputStream();
            StringBuilder requests = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                String body = TestGateway.sendText(c.id(), "m" + i);
                requests.append(
                                "POST /push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ")
                        .append(body.getBytes(StandardCharsets.UTF_8).length)
                        .append("\r\n\r\n")
                        .append(body);
            }
            out.write(requests.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            for (int i = 0; i < 3; i++) {
                assertThat(c.client().next(WAIT).text()).isEqualTo("m" + i);
            }
        }
        c.client().close();
    }

    @Test
    void registrationResponseCannotMakeThePushApiAnswerForAnotherConnection() {
        functions.on("/register", event -> StubResponse.accept(null));
        start();
        Connected first = connect();
        Connected second = connect();

        gateway.push(TestGateway.sendText(first.id(), "only for first"));

        assertThat(first.client().next(WAIT).text()).isEqualTo("only for first");
        assertThat(second.client().poll(Duration.ofMillis(200))).isNull();
        first.client().close();
        second.client().close();
    }
}
