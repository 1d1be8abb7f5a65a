package dev.switchboard.tests;

import static dev.switchboard.testkit.StubFunctionServer.StubResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.config.AuthConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.StubFunctionServer;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Keys from a JWKS URL served by a real HTTP server: rotation, and a slow server. */
class TokenAuthJwksTest {
    private final StubFunctionServer functions = StubFunctionServer.start();
    private final HttpServer jwks;
    private final AtomicInteger jwksReads = new AtomicInteger();
    private final CountDownLatch slowJwks = new CountDownLatch(1);
    private volatile String keys = "{\"keys\":[]}";
    private volatile boolean slow;
    private TestGateway gateway;

    TokenAuthJwksTest() throws IOException {
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        jwks.createContext("/jwks", exchange -> {
            jwksReads.incrementAndGet();
            if (slow) {
                try {
                    slowJwks.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = keys.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();
    }

    @AfterEach
    void stop() {
        slowJwks.countDown();
        if (gateway != null) {
            gateway.close();
        }
        jwks.stop(0);
        functions.close();
    }

    private AuthConfig.Builder fromJwks() {
        return AuthConfig.builder()
                .algorithms(List.of("RS256"))
                .jwksUrl(URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks"))
                .jwksRefreshMinInterval(Duration.ZERO)
                .jwksTimeout(Duration.ofSeconds(20));
    }

    private static String token(RSAKey key, String subject) throws JOSEException {
        return TokenAuthTest.sign(
                JWSAlgorithm.RS256,
                new RSASSASigner(key),
                TokenAuthTest.claims(subject).build(),
                key.getKeyID());
    }

    private int status(String route, String token) {
        try (WsClient client =
                WsClient.to(gateway.ws(route + "?token=" + token)).open()) {
            return 101;
        } catch (WsClient.RefusedException e) {
            return e.refused().status();
        }
    }

    @Test
    void aRotatedKeyIsPickedUpByItsKidAndTheRemovedOneIsRefused() throws Exception {
        RSAKey first = new RSAKeyGenerator(2048).keyID("k1").generate();
        RSAKey second = new RSAKeyGenerator(2048).keyID("k2").generate();
        keys = new JWKSet(first.toPublicJWK()).toString();
        functions.on("/register", event -> StubResponse.accept(null));
        gateway = TestGateway.start(RouteConfig.builder("/chat")
                .auth(fromJwks().build())
                .register(functions.target("/register"))
                .build());

        int firstKey = status("/chat", token(first, "u1"));
        int cachedKey = status("/chat", token(first, "u1"));
        int readsWhileCached = jwksReads.get();
        keys = new JWKSet(second.toPublicJWK()).toString();
        int rotatedKey = status("/chat", token(second, "u2"));
        int removedKey = status("/chat", token(first, "u1"));

        assertThat(firstKey).isEqualTo(101);
        assertThat(cachedKey).isEqualTo(101);
        assertThat(readsWhileCached).isEqualTo(1);
        assertThat(rotatedKey).isEqualTo(101);
        assertThat(removedKey).isEqualTo(401);
        assertThat(functions.received("/register"))
                .extracting(event -> event.get("userId").asText())
                .containsExactly("u1", "u1", "u2");
    }

    @Test
    void aSlowJwksServerDoesNotStallHandshakesOnOtherRoutes() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("k1").generate();
        keys = new JWKSet(key.toPublicJWK()).toString();
        slow = true;
        gateway = TestGateway.start(
                RouteConfig.builder("/slow").auth(fromJwks().build()).build(),
                RouteConfig.builder("/fast").auth(TokenAuthTest.hs256().build()).build());
        String slowToken = token(key, "u1");
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> status("/slow", slowToken));
        await().atMost(Duration.ofSeconds(20)).until(() -> jwksReads.get() == 1);

        long started = System.nanoTime();
        int fast = status(
                "/fast", TokenAuthTest.hs256Token(TokenAuthTest.claims("u2").build()));
        long fastMillis = (System.nanoTime() - started) / 1_000_000;
        boolean slowStillWaiting = !waiting.isDone();
        slowJwks.countDown();

        assertThat(fast).isEqualTo(101);
        assertThat(fastMillis).isLessThan(5_000);
        assertThat(slowStillWaiting).isTrue();
        assertThat(waiting.get(20, TimeUnit.SECONDS)).isEqualTo(101);
    }
}
