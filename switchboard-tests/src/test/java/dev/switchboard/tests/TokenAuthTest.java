package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.core.config.AuthConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Token auth at connect, seen by a real client and real function servers: each token source,
 * each algorithm, each refusal (401 before any function runs), the user on later events and in
 * the admin API, and the close when the token expires.
 */
class TokenAuthTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String SECRET = "a-shared-secret-of-at-least-32-bytes!";

    private final StubFunctionServer functions = StubFunctionServer.start();
    private final List<WsClient> clients = new ArrayList<>();
    private TestGateway gateway;

    @AfterEach
    void stop() {
        clients.forEach(WsClient::abort);
        if (gateway != null) {
            gateway.close();
        }
        functions.close();
    }

    static AuthConfig.Builder hs256() {
        return AuthConfig.builder().algorithms(List.of("HS256")).secret(SECRET);
    }

    static JWTClaimsSet.Builder claims(String subject) {
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .expirationTime(Date.from(Instant.now().plusSeconds(300)));
    }

    static String sign(JWSAlgorithm algorithm, JWSSigner signer, JWTClaimsSet claims, String keyId) {
        try {
            SignedJWT jwt =
                    new SignedJWT(new JWSHeader.Builder(algorithm).keyID(keyId).build(), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hs256Token(JWTClaimsSet claims) {
        try {
            return sign(JWSAlgorithm.HS256, new MACSigner(SECRET), claims, null);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(java.security.PublicKey key) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(key.getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    private RouteConfig.Builder route(AuthConfig auth) {
        functions.on("/transfer", event -> StubResponse.ok());
        functions.on("/cleanup", event -> StubResponse.ok());
        return RouteConfig.builder("/chat")
                .auth(auth)
                .transfer(functions.target("/transfer"))
                .cleanup(functions.target("/cleanup"));
    }

    private WsClient open(WsClient.Builder builder) {
        WsClient client = builder.open();
        clients.add(client);
        return client;
    }

    /** The transfer event of a message the client sends now. */
    private JsonNode transferOf(WsClient client) {
        int before = functions.received("/transfer").size();
        client.sendText("hello");
        await().atMost(WAIT).until(() -> functions.received("/transfer").size() > before);
        return functions.received("/transfer").get(before);
    }

    @Test
    void hs256TokenInTheQueryOpensWithoutRegistrationAndTheUserIsOnEveryEvent() {
        gateway = TestGateway.start(route(hs256().build()).build());

        WsClient client = open(
                WsClient.to(gateway.ws("/chat?token=" + hs256Token(claims("u1").build()))));
        JsonNode transfer = transferOf(client);
        String id = transfer.at("/websocket/secConnectionID").asText();
        JsonNode record = gateway.send(HttpRequest.newBuilder(gateway.pushUri("/connections/" + id))
                        .build())
                .body()
                .get("connection");
        client.close(1000, "bye");
        await().atMost(WAIT).until(() -> functions.received("/cleanup").size() == 1);

        assertThat(transfer.get("userId").asText()).isEqualTo("u1");
        assertThat(transfer.has("claims")).isFalse();
        assertThat(record.get("userId").asText()).isEqualTo("u1");
        assertThat(functions.received("/cleanup").get(0).get("userId").asText()).isEqualTo("u1");
    }

    @Test
    void rs256TokenInTheAuthorizationHeaderReachesTheRegistrationFunctionAsClaims() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        functions.on("/register", event -> StubResponse.accept(null));
        gateway = TestGateway.start(route(AuthConfig.builder()
                        .algorithms(List.of("RS256"))
                        .publicKeys(List.of(pem(key.toPublicKey())))
                        .issuer("https://issuer.example")
                        .audience("chat")
                        .build())
                .register(functions.target("/register"))
                .build());
        String token = sign(
                JWSAlgorithm.RS256,
                new RSASSASigner(key),
                claims("alice")
                        .issuer("https://issuer.example")
                        .audience("chat")
                        .claim("role", "admin")
                        .build(),
                null);

        WsClient client = open(WsClient.to(gateway.ws("/chat")).header("Authorization", "Bearer " + token));
        JsonNode transfer = transferOf(client);

        JsonNode register = functions.received("/register").get(0);
        assertThat(register.get("userId").asText()).isEqualTo("alice");
        assertThat(register.at("/claims/role").asText()).isEqualTo("admin");
        assertThat(register.at("/claims/iss").asText()).isEqualTo("https://issuer.example");
        assertThat(transfer.get("userId").asText()).isEqualTo("alice");
    }

    @Test
    void es256TokenInASubprotocolEntryIsNeverChosenAsTheSubprotocol() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).generate();
        String token =
                sign(JWSAlgorithm.ES256, new ECDSASigner(key), claims("bob").build(), null);
        String entry = "bearer." + token;
        // the registration function echoes the client's last entry: the gateway must drop it
        functions.on("/register", event -> StubResponse.accept(entry));
        gateway = TestGateway.start(route(AuthConfig.builder()
                        .algorithms(List.of("ES256"))
                        .publicKeys(List.of(pem(key.toPublicKey())))
                        .subprotocolPrefix("bearer.")
                        .build())
                .register(functions.target("/register"))
                .build());

        // the JDK client accepts an answer without a subprotocol, where browsers and Netty fail it
        java.net.http.WebSocket socket = java.net.http.HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .subprotocols("chat", entry)
                .buildAsync(gateway.ws("/chat"), new java.net.http.WebSocket.Listener() {})
                .get(10, java.util.concurrent.TimeUnit.SECONDS);
        socket.sendText("hello", true).get(10, java.util.concurrent.TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> functions.received("/transfer").size() == 1);
        socket.abort();

        assertThat(socket.getSubprotocol()).isEmpty();
        assertThat(functions.received("/transfer").get(0).get("userId").asText())
                .isEqualTo("bob");
    }

    @Test
    void aRouteSubprotocolIsChosenBesideTheTokenEntry() {
        gateway = TestGateway.start(route(hs256().subprotocolPrefix("bearer.").build())
                .subprotocols(List.of("chat"))
                .build());

        WsClient client = open(WsClient.to(gateway.ws("/chat"))
                .subprotocols("chat, bearer." + hs256Token(claims("carol").build())));

        assertThat(client.subprotocol()).isEqualTo("chat");
        assertThat(transferOf(client).get("userId").asText()).isEqualTo("carol");
    }

    @Test
    void badTokensAreRefusedWith401BeforeAnyFunctionRuns() throws Exception {
        functions.on("/register", event -> StubResponse.accept(null));
        gateway = TestGateway.start(route(hs256().issuer("issuer")
                        .audience("chat")
                        .maxTokenBytes(2048)
                        .build())
                .register(functions.target("/register"))
                .build());
        JWTClaimsSet good = claims("dave").issuer("issuer").audience("chat").build();
        Map<String, String> tokens = Map.of(
                "wrong signature",
                sign(JWSAlgorithm.HS256, new MACSigner("another-secret-of-at-least-32-bytes!!"), good, null),
                "alg none",
                new PlainJWT(good).serialize(),
                "expired",
                hs256Token(claims("dave")
                        .issuer("issuer")
                        .audience("chat")
                        .expirationTime(Date.from(Instant.now().minusSeconds(120)))
                        .build()),
                "wrong audience",
                hs256Token(claims("dave").issuer("issuer").audience("other").build()),
                "wrong issuer",
                hs256Token(
                        claims("dave").issuer("someone-else").audience("chat").build()),
                "not a token",
                "abc.def.ghi");

        tokens.forEach((why, token) -> {
            WsClient.Refused refused = WsClient.to(gateway.ws("/chat"))
                    .header("Authorization", "Bearer " + token)
                    .refused();
            assertThat(refused.status()).as(why).isEqualTo(401);
            assertThat(refused.body()).as(why).contains("\"errNo\":4012");
        });
        WsClient.Refused missing = WsClient.to(gateway.ws("/chat")).refused();
        WsClient.Refused tooBig = WsClient.to(gateway.ws("/chat"))
                .header(
                        "Authorization",
                        "Bearer "
                                + hs256Token(claims("dave")
                                        .claim("pad", "x".repeat(3000))
                                        .build()))
                .refused();

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.body()).contains("\"errNo\":4012");
        assertThat(tooBig.status()).isEqualTo(401);
        assertThat(tooBig.body()).contains("\"errNo\":4013").contains("auth.max-token-bytes (2048)");
        assertThat(functions.count("/register")).isZero();
    }

    @Test
    void aRefusedTokenInTheQueryIsLoggedOnceWithoutTheToken() {
        gateway = TestGateway.start(route(hs256().build()).build());
        String expired = hs256Token(claims("frank")
                .expirationTime(Date.from(Instant.now().minusSeconds(120)))
                .build());

        try (LogCapture log = LogCapture.attach()) {
            WsClient.Refused refused =
                    WsClient.to(gateway.ws("/chat?token=" + expired)).refused();

            assertThat(refused.status()).isEqualTo(401);
            await().atMost(WAIT).until(() -> log.has("refused", "invalid token"));
            assertThat(log.lines())
                    .filteredOn(line -> line.contains("invalid token"))
                    .hasSize(1);
            assertThat(log.lines()).noneMatch(line -> line.contains(expired));
        }
    }

    @Test
    void theRegistrationAnswersUserIdSetsTheUserWithoutAToken() {
        functions.on("/register", event -> {
            var body = StubFunctionServer.json()
                    .put("errNo", 0)
                    .put("errMsg", "ok")
                    .put("userId", "u9");
            return StubResponse.json(body);
        });
        functions.on("/transfer", event -> StubResponse.ok());
        gateway = TestGateway.start(RouteConfig.builder("/chat")
                .register(functions.target("/register"))
                .transfer(functions.target("/transfer"))
                .build());

        WsClient client = open(WsClient.to(gateway.ws("/chat")));
        JsonNode transfer = transferOf(client);
        String id = transfer.at("/websocket/secConnectionID").asText();

        assertThat(transfer.get("userId").asText()).isEqualTo("u9");
        assertThat(gateway.send(HttpRequest.newBuilder(gateway.pushUri("/connections/" + id))
                                .build())
                        .body()
                        .at("/connection/userId")
                        .asText())
                .isEqualTo("u9");
    }
}
