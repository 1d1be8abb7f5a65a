package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.config.AuthConfig;
import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.testkit.GatewayExtension;
import dev.switchboard.testkit.StubFunctionServer.StubResponse;
import dev.switchboard.testkit.WsClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * EdDSA (Ed25519) tokens, signed in the test with the JDK's own Ed25519 (nimbus's signer would
 * need Google Tink), verified by a real gateway: keys from config (PEM and JWK) and from a JWKS
 * URL served by a real HTTP server, and the refusals.
 */
class TokenAuthEdDsaTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final GatewayExtension gateway = GatewayExtension.onSystemClock();

    private HttpServer jwks;
    private volatile String keys = "{\"keys\":[]}";

    @AfterEach
    void stopJwks() {
        if (jwks != null) {
            jwks.stop(0);
        }
    }

    /** Signs with the JDK's {@code Signature("Ed25519")}. */
    private record JdkEd25519Signer(KeyPair pair) implements JWSSigner {
        @Override
        public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
            try {
                Signature signature = Signature.getInstance("Ed25519");
                signature.initSign(pair.getPrivate());
                signature.update(signingInput);
                return Base64URL.encode(signature.sign());
            } catch (GeneralSecurityException e) {
                throw new JOSEException(e.getMessage(), e);
            }
        }

        @Override
        public Set<JWSAlgorithm> supportedJWSAlgorithms() {
            return Set.of(JWSAlgorithm.EdDSA);
        }

        @Override
        public JCAContext getJCAContext() {
            return new JCAContext();
        }
    }

    private static KeyPair ed25519() throws GeneralSecurityException {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    private static String token(KeyPair pair, String subject, String keyId) {
        return TokenAuthTest.sign(
                JWSAlgorithm.EdDSA,
                new JdkEd25519Signer(pair),
                TokenAuthTest.claims(subject).build(),
                keyId);
    }

    /** The public key as a JWK: the last 32 bytes of its X.509 form are the key (RFC 8410). */
    private static OctetKeyPair jwk(KeyPair pair, String keyId) {
        byte[] encoded = pair.getPublic().getEncoded();
        byte[] x = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x))
                .keyID(keyId)
                .build();
    }

    private void start(AuthConfig auth) {
        gateway.functions().on("/transfer", event -> StubResponse.ok());
        gateway.start(RouteConfig.builder("/chat")
                .auth(auth)
                .transfer(gateway.functions().target("/transfer"))
                .build());
    }

    private int status(String token) {
        try (WsClient client = WsClient.to(gateway.ws("/chat?token=" + token)).open()) {
            return 101;
        } catch (WsClient.RefusedException e) {
            return e.refused().status();
        }
    }

    private String userOfTransfer(String token) {
        int before = gateway.functions().received("/transfer").size();
        WsClient client = gateway.open(WsClient.to(gateway.ws("/chat?token=" + token)));
        client.sendText("hello");
        await().atMost(WAIT)
                .until(() -> gateway.functions().received("/transfer").size() > before);
        return gateway.functions()
                .received("/transfer")
                .get(before)
                .get("userId")
                .asText();
    }

    @Test
    void eddsaTokensVerifyWithAPemOrAJwkPublicKeyFromConfig() throws Exception {
        KeyPair pem = ed25519();
        KeyPair json = ed25519();
        start(AuthConfig.builder()
                .algorithms(List.of("EdDSA"))
                .publicKeys(List.of(
                        TokenAuthTest.pem(pem.getPublic()), jwk(json, "j1").toJSONString()))
                .build());

        assertThat(userOfTransfer(token(pem, "alice", null))).isEqualTo("alice");
        assertThat(userOfTransfer(token(json, "bob", "j1"))).isEqualTo("bob");
    }

    @Test
    void eddsaTokensSignedByAnotherKeyOrTamperedOrOfAnAlgorithmNotListedAreRefused() throws Exception {
        KeyPair configured = ed25519();
        KeyPair other = ed25519();
        start(AuthConfig.builder()
                .algorithms(List.of("EdDSA"))
                .publicKeys(List.of(TokenAuthTest.pem(configured.getPublic())))
                .build());
        String good = token(configured, "alice", null);
        String[] parts = good.split("\\.");
        String tamperedPayload = parts[0] + "."
                + Base64URL.encode("{\"sub\":\"mallory\",\"exp\":9999999999}".getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        String hs256 = TokenAuthTest.hs256Token(TokenAuthTest.claims("alice").build());

        assertThat(status(token(other, "alice", null))).isEqualTo(401);
        assertThat(status(tamperedPayload)).isEqualTo(401);
        assertThat(status(parts[0] + "." + parts[1] + ".AAAA")).isEqualTo(401);
        assertThat(status(hs256)).isEqualTo(401);
        assertThat(status(good)).isEqualTo(101);
    }

    @Test
    void eddsaKeysComeFromAJwksUrlAndARotatedKidIsFetched() throws Exception {
        jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        jwks.createContext("/jwks", exchange -> {
            byte[] body = keys.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        jwks.start();
        KeyPair first = ed25519();
        KeyPair second = ed25519();
        keys = new JWKSet(jwk(first, "k1")).toString();
        start(AuthConfig.builder()
                .algorithms(List.of("EdDSA", "RS256"))
                .jwksUrl(URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks"))
                .jwksRefreshMinInterval(Duration.ZERO)
                .build());

        int firstKey = status(token(first, "u1", "k1"));
        keys = new JWKSet(jwk(second, "k2")).toString();
        int rotated = status(token(second, "u2", "k2"));
        int unknown = status(token(ed25519(), "u3", "k3"));

        assertThat(firstKey).isEqualTo(101);
        assertThat(rotated).isEqualTo(101);
        assertThat(unknown).isEqualTo(401);
    }
}
