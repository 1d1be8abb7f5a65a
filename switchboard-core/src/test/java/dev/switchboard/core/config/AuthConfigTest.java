package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code routes[].auth}: every key loaded, the defaults, and the mistakes refused. */
class AuthConfigTest {
    private static AuthConfig auth(String keys) {
        return ConfigLoader.parse("routes:\n  - path: /chat\n    auth:\n" + keys.indent(6), Map.of())
                .routes()
                .get(0)
                .auth();
    }

    @Test
    void everyKeyIsLoaded() {
        AuthConfig auth = auth("""
                algorithms: [RS256, HS512]
                secret: a-shared-secret-of-at-least-32-bytes
                jwks-url: https://login.example.com/jwks.json
                jwks-timeout: 1s
                jwks-cache-ttl: 1m
                jwks-refresh-min-interval: 10s
                query-parameter: jwt
                authorization-header: false
                subprotocol-prefix: bearer.
                issuer: https://login.example.com/
                audience: chat
                clock-skew: 5s
                max-token-bytes: 2048
                user-id-claim: uid
                context-claim: ctx
                groups-claim: rooms
                """);

        assertThat(auth.algorithms()).containsExactly("RS256", "HS512");
        assertThat(auth.jwksUrl()).isEqualTo(URI.create("https://login.example.com/jwks.json"));
        assertThat(auth.jwksTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(auth.jwksCacheTtl()).isEqualTo(Duration.ofMinutes(1));
        assertThat(auth.jwksRefreshMinInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(auth.queryParameter()).isEqualTo("jwt");
        assertThat(auth.authorizationHeader()).isFalse();
        assertThat(auth.subprotocolPrefix()).isEqualTo("bearer.");
        assertThat(auth.issuer()).isEqualTo("https://login.example.com/");
        assertThat(auth.audience()).isEqualTo("chat");
        assertThat(auth.clockSkew()).isEqualTo(Duration.ofSeconds(5));
        assertThat(auth.maxTokenBytes()).isEqualTo(2048);
        assertThat(auth.userIdClaim()).isEqualTo("uid");
        assertThat(auth.contextClaim()).isEqualTo("ctx");
        assertThat(auth.groupsClaim()).isEqualTo("rooms");
    }

    @Test
    void defaultsReadTheQueryAndTheHeaderAndTheSubject() {
        AuthConfig auth = auth("algorithms: [HS256]\nsecret: a-shared-secret-of-at-least-32-bytes");

        assertThat(auth.queryParameter()).isEqualTo("token");
        assertThat(auth.authorizationHeader()).isTrue();
        assertThat(auth.subprotocolPrefix()).isEmpty();
        assertThat(auth.userIdClaim()).isEqualTo("sub");
        assertThat(auth.maxTokenBytes()).isEqualTo(AuthConfig.DEFAULT_MAX_TOKEN_BYTES);
        assertThat(auth.publicKeys()).isEqualTo(List.of());
    }

    @Test
    void mistakesAreRefusedWithTheKeyAndTheExpectation() {
        assertThatThrownBy(() -> auth("algorithms: [none]\nsecret: x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("auth.algorithms: none (expected: one of");
        assertThatThrownBy(() -> auth("algorithms: [Ed448]\njwks-url: https://x/jwks"))
                .hasMessageContaining("auth.algorithms: Ed448");
        assertThatThrownBy(() -> auth("algorithms: [EdDSA]"))
                .hasMessage("auth: no public-keys and no jwks-url (expected: one of them for [EdDSA])");
        assertThatThrownBy(() -> auth("algorithms: [HS256]\nsecret: short"))
                .hasMessage("auth.secret: too short (expected: at least 32 bytes for [HS256])");
        assertThatThrownBy(() -> auth("algorithms: [RS256]"))
                .hasMessage("auth: no public-keys and no jwks-url (expected: one of them for [RS256])");
        assertThatThrownBy(() -> auth("algorithms: [RS256]\njwks-url: ftp://x/jwks"))
                .hasMessage("auth.jwks-url: ftp://x/jwks (expected: an http or https URL)");
        assertThatThrownBy(() -> auth("algorithms: [RS256]\njwks-url: https://x/jwks\nissuer-typo: x"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("issuer-typo");
    }
}
