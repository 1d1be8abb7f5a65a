package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.LimitsConfig;
import dev.switchboard.core.config.PushConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The push listener against requests an attacker would send over a raw socket: a web page's
 * cross-site or DNS-rebound requests, half-sent requests, malformed framing and escapes, and
 * values meant to be echoed. Each test drives a real gateway and reads what the sender sees.
 */
class PushListenerHardeningTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String TOKEN = "hardening-token";

    private final StubFunctionServer functions = StubFunctionServer.start();
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    private void start(PushConfig push) {
        start(GatewayConfig.builder().push(push));
    }

    private void start(GatewayConfig.Builder builder) {
        gateway = TestGateway.start(builder.route(RouteConfig.builder("/chat")
                .register(functions.target("/register"))
                .cleanup(functions.target("/cleanup"))
                .build()));
    }

    private int pushPort() {
        return gateway.gateway().pushAddress().getPort();
    }

    private record Connected(WsClient client, String id) {}

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

    /** One request on a new connection; its answer. */
    private RawHttp.Answer ask(String request) throws IOException {
        try (RawHttp http = new RawHttp(pushPort(), (int) WAIT.toMillis())) {
            return http.write(request).read();
        }
    }

    private static String post(String host, String headers, String body) {
        return "POST /push HTTP/1.1\r\nHost: " + host + "\r\n" + headers + "Content-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
    }

    private static int errNo(RawHttp.Answer answer) throws IOException {
        return Json.mapper().readTree(answer.body()).path("errNo").asInt(-1);
    }

    @Test
    void aPushFromAnotherSiteIsRefusedWithoutAToken() throws IOException {
        start(PushConfig.defaults());
        Connected c = connect();
        String host = "127.0.0.1:" + pushPort();
        String json = "Content-Type: application/json\r\n";

        // what fetch(…, {mode: 'no-cors'}) from a page on another site sends
        RawHttp.Answer crossSite =
                ask(post(host, json + "Origin: https://evil.example\r\n", TestGateway.sendText(c.id(), "from evil")));
        RawHttp.Answer ownPage = ask(post(
                host, json + "Origin: http://" + host + "\r\n", TestGateway.sendText(c.id(), "from the dashboard")));

        assertThat(crossSite.status()).isEqualTo(403);
        assertThat(errNo(crossSite)).isEqualTo(4033);
        assertThat(crossSite.body()).contains("https://evil.example");
        assertThat(ownPage.status()).isEqualTo(200);
        assertThat(c.client().next(WAIT).text()).isEqualTo("from the dashboard");
    }

    @ParameterizedTest(name = "Content-Type [{0}]")
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""})
    void aPushBodyThatIsNotJsonIsRefusedWithoutAToken(String contentType) throws IOException {
        start(PushConfig.defaults());
        Connected c = connect();
        String header = contentType.isEmpty() ? "" : "Content-Type: " + contentType + "\r\n";

        RawHttp.Answer refused =
                ask(post("127.0.0.1:" + pushPort(), header, TestGateway.sendText(c.id(), "form post")));
        RawHttp.Answer json = ask(post(
                "localhost:" + pushPort(),
                "Content-Type: application/json; charset=utf-8\r\n",
                TestGateway.sendText(c.id(), "json post")));

        assertThat(refused.status()).isEqualTo(415);
        assertThat(errNo(refused)).isEqualTo(4150);
        assertThat(json.status()).isEqualTo(200);
        assertThat(c.client().next(WAIT).text()).isEqualTo("json post");
    }

    @Test
    void aRequestNamingAnotherHostIsRefusedWithoutAToken() throws IOException {
        start(PushConfig.defaults());
        int port = pushPort();

        // a DNS-rebound page sends its own host name; a page elsewhere on the host another port
        RawHttp.Answer rebound = ask("GET /connections HTTP/1.1\r\nHost: rebind.attacker.example:" + port + "\r\n\r\n");
        RawHttp.Answer otherPort = ask("GET /connections HTTP/1.1\r\nHost: 127.0.0.1:" + (port + 1) + "\r\n\r\n");
        List<Integer> served = new ArrayList<>();
        for (String host : List.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "localhost")) {
            served.add(ask("GET /connections HTTP/1.1\r\nHost: " + host + "\r\n\r\n")
                    .status());
        }

        assertThat(rebound.status()).isEqualTo(403);
        assertThat(errNo(rebound)).isEqualTo(4035);
        assertThat(otherPort.status()).isEqualTo(403);
        assertThat(served).containsOnly(200);
    }

    @Test
    void configuredOriginsAndHostsAreServed() throws IOException {
        start(PushConfig.defaults()
                .withAllowedOrigins(List.of("https://admin.example"))
                .withAllowedHosts(List.of("push.internal")));
        Connected c = connect();

        RawHttp.Answer listed = ask(post(
                "push.internal:8081",
                "Content-Type: application/json\r\nOrigin: https://admin.example\r\n",
                TestGateway.sendText(c.id(), "from admin")));
        RawHttp.Answer unlisted = ask("GET /healthz HTTP/1.1\r\nHost: localhost:" + pushPort() + "\r\n\r\n");

        assertThat(listed.status()).isEqualTo(200);
        assertThat(c.client().next(WAIT).text()).isEqualTo("from admin");
        assertThat(unlisted.status()).isEqualTo(403);
        assertThat(errNo(unlisted)).isEqualTo(4035);
    }

    @Test
    void withATokenAnyHostAndOriginIsLeftToTheToken() throws IOException {
        start(PushConfig.defaults().withToken(TOKEN));

        RawHttp.Answer answer = ask("GET /connections HTTP/1.1\r\nHost: gateway.example.com\r\n"
                + "Origin: https://elsewhere.example\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n");

        assertThat(answer.status()).isEqualTo(200);
    }

    @Test
    void halfSentRequestsAreClosedAtTheRequestTimeout() throws Exception {
        Duration requestTimeout = Duration.ofSeconds(1);
        start(PushConfig.defaults().withToken(TOKEN).withTimeouts(requestTimeout, Duration.ofSeconds(60)));
        int count = 1500;
        long openFilesBefore = openFiles();
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Socket socket = new Socket("127.0.0.1", pushPort());
                socket.getOutputStream()
                        .write("POST /push HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le"
                                .getBytes(StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
            long sent = System.nanoTime();
            long openFilesHeld = openFiles();
            // every one is closed by the gateway: read() ends before the shared deadline
            long deadline = sent + requestTimeout.plus(WAIT.multipliedBy(3)).toNanos();
            int closed = 0;
            for (Socket socket : sockets) {
                socket.setSoTimeout((int) Math.max(
                        1, Duration.ofNanos(deadline - System.nanoTime()).toMillis()));
                try {
                    while (socket.getInputStream().read() >= 0) {
                        // the 408 answer
                    }
                    closed++;
                } catch (java.net.SocketTimeoutException e) {
                    // still open at the deadline
                } catch (IOException e) {
                    closed++;
                }
            }
            System.out.printf(
                    "%d half-sent requests (request-timeout %d ms): open files %d before, %d while held;"
                            + " %d closed by the gateway %d ms after the last was sent%n",
                    count,
                    requestTimeout.toMillis(),
                    openFilesBefore,
                    openFilesHeld,
                    closed,
                    Duration.ofNanos(System.nanoTime() - sent).toMillis());
            assertThat(closed).isEqualTo(count);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        await().atMost(WAIT).until(() -> openFiles() <= openFilesBefore + 10);
    }

    @Test
    void aSlowRequestGets408AndAnIdleConnectionCloses() throws IOException {
        start(PushConfig.defaults().withTimeouts(Duration.ofMillis(300), Duration.ofMillis(300)));

        try (RawHttp slow = new RawHttp(pushPort(), (int) WAIT.toMillis());
                RawHttp idle = new RawHttp(pushPort(), (int) WAIT.toMillis())) {
            RawHttp.Answer timedOut =
                    slow.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n").read();

            assertThat(timedOut.status()).isEqualTo(408);
            assertThat(errNo(timedOut)).isEqualTo(4080);
            assertThat(slow.closedByServer()).isTrue();
            assertThat(idle.closedByServer()).as("never sent a byte").isTrue();
        }
        try (RawHttp kept = new RawHttp(pushPort(), (int) WAIT.toMillis())) {
            RawHttp.Answer served = kept.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .read();

            assertThat(served.status()).isEqualTo(200);
            assertThat(kept.closedByServer()).as("idle after its answer").isTrue();
        }
    }

    @Test
    void aBadPercentEscapeWithATokenIsA400AndTheConnectionKeepsServing() throws IOException {
        start(PushConfig.defaults().withToken(TOKEN));
        String auth = "Authorization: Bearer " + TOKEN + "\r\n";

        try (RawHttp http = new RawHttp(pushPort(), (int) WAIT.toMillis())) {
            http.write("GET /connections/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n");
            RawHttp.Answer bad = http.read();
            http.write("GET /connections HTTP/1.1\r\nHost: 127.0.0.1\r\n" + auth + "\r\n");
            RawHttp.Answer good = http.read();

            assertThat(bad.status()).isEqualTo(400);
            assertThat(errNo(bad)).isEqualTo(4001);
            assertThat(bad.body()).contains("not valid percent-encoding");
            assertThat(good.status()).isEqualTo(200);
        }
    }

    @Test
    void thePushOnlyTokenOnConnectionsIsForbiddenAsApiGatewayAnswers() throws IOException {
        start(PushConfig.defaults().withToken(TOKEN).withPushToken("send-only"));
        Connected c = connect();

        RawHttp.Answer answer = ask("POST /@connections/" + c.id() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + "Authorization: Bearer send-only\r\nContent-Length: 2\r\n\r\nhi");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.header("x-amzn-ErrorType")).isEqualTo("ForbiddenException");
        assertThat(c.client().poll(Duration.ofMillis(200))).isNull();
    }

    @Test
    void anUnknownActionOrDataTypeIsQuotedShortAndEscaped() throws IOException {
        start(PushConfig.defaults());
        Connected c = connect();
        String long64k = "\\n\\u001b[31mERROR".repeat(4096);
        String action = "{\"websocket\":{\"action\":\"" + long64k + "\",\"secConnectionID\":\"" + c.id() + "\"}}";
        String dataType = "{\"websocket\":{\"action\":\"data send\",\"secConnectionID\":\"" + c.id()
                + "\",\"dataType\":\"" + long64k + "\",\"data\":\"x\"}}";

        for (String body : List.of(action, dataType)) {
            RawHttp.Answer answer = ask(post("127.0.0.1", "Content-Type: application/json\r\n", body));
            JsonNode error = Json.mapper().readTree(answer.body());

            assertThat(answer.status()).isEqualTo(400);
            assertThat(error.path("errNo").asInt()).isEqualTo(4002);
            assertThat(error.path("errMsg").asText())
                    .hasSizeLessThan(200)
                    .doesNotContain("\n", "\u001b")
                    .contains("\\n\\u001B[31m");
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Length: -1", "Content-Length: 2\r\nContent-Length: 3", "Content-Length: 2, 3"})
    void aNegativeOrRepeatedContentLengthIsA400SayingSo(String lengths) throws IOException {
        start(PushConfig.defaults());

        try (RawHttp http = new RawHttp(pushPort(), (int) WAIT.toMillis())) {
            RawHttp.Answer answer = http.write("POST /push HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                            + "Content-Type: application/json\r\n" + lengths + "\r\n\r\n{}")
                    .read();

            assertThat(answer.status()).isEqualTo(400);
            assertThat(errNo(answer)).isEqualTo(4001);
            assertThat(answer.body()).contains("Content-Length");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    @Test
    void anUpgradeRequestWithABodyIsAnsweredAndClosedAtOnce() throws IOException {
        start(GatewayConfig.builder()
                .push(PushConfig.defaults())
                .limits(LimitsConfig.builder()
                        .handshakeTimeout(Duration.ofMinutes(5))
                        .build()));
        int port = gateway.gateway().clientAddress().getPort();

        // the socket's own timeout is far below the handshake timeout: only an answer and a close pass
        try (RawHttp http = new RawHttp(port, (int) WAIT.toMillis())) {
            RawHttp.Answer answer = http.write("GET /chat HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                            + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nContent-Length: 100000\r\n\r\n"
                            + "x".repeat(2000))
                    .read();

            assertThat(answer.status()).isEqualTo(413);
            assertThat(errNo(answer)).isEqualTo(4130);
            assertThat(answer.body()).contains("no body");
            assertThat(http.closedByServer()).isTrue();
        }
    }

    private static long openFiles() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("/proc/self/fd"))) {
            return files.count();
        }
    }
}
