package dev.switchboard.core.config;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A route's token auth ({@code routes[].auth}): every handshake must carry a JSON Web Token that
 * verifies against the configured keys before any function runs; its subject becomes the
 * connection's user. A missing, bad or expired token is refused with HTTP 401 (errNo 4012), one
 * longer than {@code maxTokenBytes} with HTTP 401 (errNo 4013).
 *
 * @param algorithms the accepted {@code alg} values; others (and {@code none}) are refused
 * @param secret the shared secret for HS256/384/512, at least 32 bytes
 * @param publicKeys public keys for RS256/ES256/EdDSA, each a PEM block or a JWK (JSON)
 * @param jwksUrl a JWKS URL the public keys are read from, cached for {@code jwksCacheTtl} and
 *     read again when a token names an unknown {@code kid}, at most once per
 *     {@code jwksRefreshMinInterval}
 * @param jwksTimeout how long one JWKS read may take
 * @param jwksCacheTtl how long a JWKS read is used before it is read again
 * @param jwksRefreshMinInterval the least time between two reads caused by unknown {@code kid}s
 * @param queryParameter the query parameter a token is read from; empty turns it off
 * @param authorizationHeader whether {@code Authorization: Bearer <token>} is read
 * @param subprotocolPrefix a {@code Sec-WebSocket-Protocol} entry starting with it carries the
 *     token after the prefix; empty turns it off. Such an entry is never chosen as the subprotocol
 * @param issuer the required {@code iss}, or null for any
 * @param audience the required {@code aud} (one of the token's), or null for any
 * @param clockSkew how far {@code exp} and {@code nbf} may be off
 * @param maxTokenBytes the longest token read
 * @param userIdClaim the claim that names the user (a string)
 * @param contextClaim a claim (an object) that becomes the connection's context, or null
 * @param groupsClaim a claim (a list of group names) the connection joins, or null
 */
public record AuthConfig(
        List<String> algorithms,
        @Nullable String secret,
        List<String> publicKeys,
        @Nullable URI jwksUrl,
        Duration jwksTimeout,
        Duration jwksCacheTtl,
        Duration jwksRefreshMinInterval,
        String queryParameter,
        boolean authorizationHeader,
        String subprotocolPrefix,
        @Nullable String issuer,
        @Nullable String audience,
        Duration clockSkew,
        int maxTokenBytes,
        String userIdClaim,
        @Nullable String contextClaim,
        @Nullable String groupsClaim) {

    /** The algorithms a route may accept; {@code EdDSA} is Ed25519. */
    public static final Set<String> SUPPORTED_ALGORITHMS = Set.of("HS256", "HS384", "HS512", "RS256", "ES256", "EdDSA");

    public static final Duration DEFAULT_JWKS_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_JWKS_CACHE_TTL = Duration.ofMinutes(5);
    public static final Duration DEFAULT_JWKS_REFRESH_MIN_INTERVAL = Duration.ofSeconds(30);
    public static final String DEFAULT_QUERY_PARAMETER = "token";
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_TOKEN_BYTES = 4096;
    public static final String DEFAULT_USER_ID_CLAIM = "sub";
    /** HMAC keys shorter than this are refused: HS256 needs 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;

    public AuthConfig {
        algorithms = List.copyOf(algorithms);
        publicKeys = List.copyOf(publicKeys);
        if (algorithms.isEmpty()) {
            throw new ConfigException("auth.algorithms: [] (expected: one or more of " + SUPPORTED_ALGORITHMS + ")");
        }
        for (String algorithm : algorithms) {
            if (!SUPPORTED_ALGORITHMS.contains(algorithm)) {
                throw new ConfigException(
                        "auth.algorithms: " + algorithm + " (expected: one of " + SUPPORTED_ALGORITHMS + ")");
            }
        }
        boolean hmac = algorithms.stream().anyMatch(a -> a.startsWith("HS"));
        boolean asymmetric = algorithms.stream().anyMatch(a -> !a.startsWith("HS"));
        if (hmac && (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES)) {
            throw new ConfigException("auth.secret: " + (secret == null ? "missing" : "too short")
                    + " (expected: at least " + MIN_SECRET_BYTES + " bytes for " + algorithms + ")");
        }
        if (asymmetric && publicKeys.isEmpty() && jwksUrl == null) {
            throw new ConfigException(
                    "auth: no public-keys and no jwks-url (expected: one of them for " + algorithms + ")");
        }
        if (jwksUrl != null && !"https".equals(jwksUrl.getScheme()) && !"http".equals(jwksUrl.getScheme())) {
            throw new ConfigException("auth.jwks-url: " + jwksUrl + " (expected: an http or https URL)");
        }
        if (queryParameter.isEmpty() && !authorizationHeader && subprotocolPrefix.isEmpty()) {
            throw new ConfigException("auth: every token source is off (expected: query-parameter,"
                    + " authorization-header or subprotocol-prefix)");
        }
        if (maxTokenBytes < 1) {
            throw new ConfigException("auth.max-token-bytes: " + maxTokenBytes + " (expected: > 0)");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link AuthConfig}; every setting starts at its default. */
    public static final class Builder {
        private List<String> algorithms = List.of();
        private @Nullable String secret;
        private List<String> publicKeys = List.of();
        private @Nullable URI jwksUrl;
        private Duration jwksTimeout = DEFAULT_JWKS_TIMEOUT;
        private Duration jwksCacheTtl = DEFAULT_JWKS_CACHE_TTL;
        private Duration jwksRefreshMinInterval = DEFAULT_JWKS_REFRESH_MIN_INTERVAL;
        private String queryParameter = DEFAULT_QUERY_PARAMETER;
        private boolean authorizationHeader = true;
        private String subprotocolPrefix = "";
        private @Nullable String issuer;
        private @Nullable String audience;
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private int maxTokenBytes = DEFAULT_MAX_TOKEN_BYTES;
        private String userIdClaim = DEFAULT_USER_ID_CLAIM;
        private @Nullable String contextClaim;
        private @Nullable String groupsClaim;

        private Builder() {}

        public Builder algorithms(List<String> value) {
            this.algorithms = value;
            return this;
        }

        public Builder secret(@Nullable String value) {
            this.secret = value;
            return this;
        }

        public Builder publicKeys(List<String> value) {
            this.publicKeys = value;
            return this;
        }

        public Builder jwksUrl(@Nullable URI value) {
            this.jwksUrl = value;
            return this;
        }

        public Builder jwksTimeout(Duration value) {
            this.jwksTimeout = value;
            return this;
        }

        public Builder jwksCacheTtl(Duration value) {
            this.jwksCacheTtl = value;
            return this;
        }

        public Builder jwksRefreshMinInterval(Duration value) {
            this.jwksRefreshMinInterval = value;
            return this;
        }

        public Builder queryParameter(String value) {
            this.queryParameter = value;
            return this;
        }

        public Builder authorizationHeader(boolean value) {
            this.authorizationHeader = value;
            return this;
        }

        public Builder subprotocolPrefix(String value) {
            this.subprotocolPrefix = value;
            return this;
        }

        public Builder issuer(@Nullable String value) {
            this.issuer = value;
            return this;
        }

        public Builder audience(@Nullable String value) {
            this.audience = value;
            return this;
        }

        public Builder clockSkew(Duration value) {
            this.clockSkew = value;
            return this;
        }

        public Builder maxTokenBytes(int value) {
            this.maxTokenBytes = value;
            return this;
        }

        public Builder userIdClaim(String value) {
            this.userIdClaim = value;
            return this;
        }

        public Builder contextClaim(@Nullable String value) {
            this.contextClaim = value;
            return this;
        }

        public Builder groupsClaim(@Nullable String value) {
            this.groupsClaim = value;
            return this;
        }

        public AuthConfig build() {
            return new AuthConfig(
                    algorithms,
                    secret,
                    publicKeys,
                    jwksUrl,
                    jwksTimeout,
                    jwksCacheTtl,
                    jwksRefreshMinInterval,
                    queryParameter,
                    authorizationHeader,
                    subprotocolPrefix,
                    issuer,
                    audience,
                    clockSkew,
                    maxTokenBytes,
                    userIdClaim,
                    contextClaim,
                    groupsClaim);
        }
    }
}
