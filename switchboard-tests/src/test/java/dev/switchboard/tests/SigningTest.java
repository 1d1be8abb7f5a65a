package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.core.json.Json;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routes with a {@code signing-secret}: a real function server verifies every call the way the
 * README tells function authors to, accepts the gateway's and rejects any other.
 */
class SigningTest {
    private static final String SECRET = "correct horse battery staple";
    private static final Duration WAIT = Duration.ofSeconds(10);

    private HttpServer function;
    private final List<String> verdicts = new CopyOnWriteArrayList<>();
    private TestGateway gateway;

    @BeforeEach
    void startVerifyingFunction() throws IOException {
        function = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        function.createContext("/", this::handle);
        function.start();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        function.stop(0);
    }

    /** Answers 401 unless the call is signed with {@link #SECRET} within the last five minutes. */
    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String timestamp = exchange.getRequestHeaders().getFirst("X-Switchboard-Timestamp");
        String signature = exchange.getRequestHeaders().getFirst("X-Switchboard-Signature");
        String verdict = verify(timestamp, signature, body);
        verdicts.add(exchange.getRequestURI().getPath() + " " + verdict);
        String path = exchange.getRequestURI().getPath();
        String answer = !verdict.equals("valid")
                ? "{\"errNo\":401,\"errMsg\":\"bad signature\"}"
                : path.equals("/transfer")
                        ? "{\"reply\":{\"dataType\":\"text\",\"data\":\"verified\"}}"
                        : "{\"errNo\":0,\"errMsg\":\"ok\"}";
        byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(verdict.equals("valid") ? 200 : 401, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The README's Java snippet. */
    static String verify(String timestamp, String signature, byte[] body) {
        if (timestamp == null || signature == null) {
            return "unsigned";
        }
        if (Math.abs(Instant.now().getEpochSecond() - Long.parseLong(timestamp)) > 300) {
            return "stale";
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
            String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
            return MessageDigest.isEqual(
                            expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8))
                    ? "valid"
                    : "wrong";
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private FunctionTarget target(String path) {
        return FunctionTarget.parse("http://127.0.0.1:" + function.getAddress().getPort() + path);
    }

    private void startGateway(String secret) {
        gateway = TestGateway.start(RouteConfig.builder("/chat")
                .register(target("/register"))
                .transfer(target("/transfer"))
                .signingSecret(secret)
                .build());
    }

    @Test
    void signedCallsPassTheFunctionsCheck() {
        startGateway(SECRET);

        try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
            client.sendText("héllo, signed");
            assertThat(client.next(WAIT).text()).isEqualTo("verified");
        }
        assertThat(verdicts).containsExactly("/register valid", "/transfer valid");
    }

    @Test
    void callsSignedWithAnotherSecretAreRejectedByTheFunction() throws Exception {
        startGateway("not the secret");

        WsClient.Refused refused = WsClient.to(gateway.ws("/chat")).refused();

        assertThat(refused.status()).isEqualTo(403);
        assertThat(Json.mapper().readTree(refused.body()).get("errNo").asInt()).isEqualTo(4031);
        assertThat(verdicts).containsExactly("/register wrong");
    }

    @Test
    void routesWithoutASecretSendNoSignature() {
        startGateway(null);

        WsClient.to(gateway.ws("/chat")).refused();

        assertThat(verdicts).containsExactly("/register unsigned");
    }
}
