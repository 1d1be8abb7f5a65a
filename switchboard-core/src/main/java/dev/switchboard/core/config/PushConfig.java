package dev.switchboard.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The push listener ({@code push:} in YAML).
 *
 * @param listen where the push and admin API listens; loopback by default
 * @param token bearer token callers must send; null means no authentication, which is only
 *     allowed on a loopback address
 * @param maxBodyBytes largest push body; larger ones get HTTP 413 (errNo 4130)
 * @param awsCredentials key pairs whose AWS Signature Version 4 the {@code @connections} API
 *     accepts; when empty, that API accepts what the rest of the listener accepts (see
 *     {@code docs/aws-dialect.md})
 * @param tls TLS on the push listener ({@code https://}), or null for plain HTTP
 * @param pushToken a second bearer token that may only {@code POST /push} (no admin API, no
 *     metrics, no {@code @connections}), for backends that only send; null for none. Needs
 *     {@code token}, which keeps every right.
 * @param requestTimeout time from the first byte of a request to its last; a slower request gets
 *     HTTP 408 (errNo 4080) and the connection closes
 * @param idleTimeout time a connection may stay open with no request in progress (before its
 *     first request and between requests); then it closes without an answer
 * @param allowedOrigins browser origins ({@code scheme://host[:port]}) whose requests a listener
 *     without a token accepts, besides its own origin; any other {@code Origin} gets HTTP 403
 *     (errNo 4033)
 * @param allowedHosts {@code Host} header values ({@code host} or {@code host:port}) the listener
 *     answers; empty means the loopback names and the listen address without a token, and any
 *     host with one. Another host gets HTTP 403 (errNo 4035)
 * @throws ConfigException naming the {@code push.} key of the first rule broken
 */
public record PushConfig(
        HostPort listen,
        @Nullable String token,
        int maxBodyBytes,
        List<AwsCredential> awsCredentials,
        @Nullable TlsConfig tls,
        @Nullable String pushToken,
        Duration requestTimeout,
        Duration idleTimeout,
        List<String> allowedOrigins,
        List<String> allowedHosts) {
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8081);
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    public PushConfig {
        awsCredentials = List.copyOf(awsCredentials);
        allowedOrigins = ConfigRules.origins("push.allowed-origins", allowedOrigins);
        allowedHosts = hosts(allowedHosts);
        if (token == null && !listen.isLoopback()) {
            throw new ConfigException("push.listen: " + listen + " is not a loopback address and push.token is empty"
                    + " (expected: a push.token, or a loopback address such as 127.0.0.1)");
        }
        if (pushToken != null && token == null) {
            throw new ConfigException("push.push-token: set without push.token"
                    + " (expected: a push.token too, for the admin API; the push token may only POST /push)");
        }
        if (pushToken != null && pushToken.equals(token)) {
            throw new ConfigException("push.push-token: the same as push.token (expected: a different token)");
        }
        ConfigRules.positive("push.max-body-bytes", maxBodyBytes);
        for (int i = 0; i < awsCredentials.size(); i++) {
            AwsCredential credential = awsCredentials.get(i);
            if (credential.accessKeyId().isBlank()
                    || credential.secretAccessKey().isEmpty()) {
                throw new ConfigException("push.aws-credentials[" + i + "]: empty access-key-id or secret-access-key"
                        + " (expected: both set)");
            }
        }
        ConfigRules.positive("push.request-timeout", requestTimeout);
        ConfigRules.positive("push.idle-timeout", idleTimeout);
    }

    private static List<String> hosts(List<String> hosts) {
        for (String host : hosts) {
            if (!host.matches("(\\[[0-9a-fA-F:.]+]|[^/\\s:\\[\\]@]+)(:[0-9]{1,5})?")) {
                throw new ConfigException("push.allowed-hosts: '" + host
                        + "' (expected: host or host:port as the Host header sends it, e.g. push.example.com)");
            }
        }
        return hosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
    }

    /** Loopback, no token, default body limit. */
    public static PushConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from this config. */
    public Builder toBuilder() {
        return new Builder()
                .listen(listen)
                .token(token)
                .maxBodyBytes(maxBodyBytes)
                .awsCredentials(awsCredentials)
                .tls(tls)
                .pushToken(pushToken)
                .requestTimeout(requestTimeout)
                .idleTimeout(idleTimeout)
                .allowedOrigins(allowedOrigins)
                .allowedHosts(allowedHosts);
    }

    /** This config listening elsewhere. */
    public PushConfig withListen(HostPort listen) {
        return toBuilder().listen(listen).build();
    }

    /** This config with another token (null for none). */
    public PushConfig withToken(@Nullable String token) {
        return toBuilder().token(token).build();
    }

    /** This config with a push-only token (null for none). */
    public PushConfig withPushToken(@Nullable String pushToken) {
        return toBuilder().pushToken(pushToken).build();
    }

    /** This config with TLS (null for plain HTTP). */
    public PushConfig withTls(@Nullable TlsConfig tls) {
        return toBuilder().tls(tls).build();
    }

    /** This config with other AWS credentials for {@code @connections} (empty for none). */
    public PushConfig withAwsCredentials(List<AwsCredential> awsCredentials) {
        return toBuilder().awsCredentials(awsCredentials).build();
    }

    /** This config with other request and idle timeouts. */
    public PushConfig withTimeouts(Duration requestTimeout, Duration idleTimeout) {
        return toBuilder()
                .requestTimeout(requestTimeout)
                .idleTimeout(idleTimeout)
                .build();
    }

    /** This config accepting browser requests from {@code allowedOrigins} too (without a token). */
    public PushConfig withAllowedOrigins(List<String> allowedOrigins) {
        return toBuilder().allowedOrigins(allowedOrigins).build();
    }

    /** This config answering only requests whose {@code Host} is in {@code allowedHosts}. */
    public PushConfig withAllowedHosts(List<String> allowedHosts) {
        return toBuilder().allowedHosts(allowedHosts).build();
    }

    /** Builds {@link PushConfig}; every setter has the {@code push.} YAML key of the same name. */
    public static final class Builder {
        private HostPort listen = DEFAULT_LISTEN;
        private @Nullable String token;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private List<AwsCredential> awsCredentials = List.of();
        private @Nullable TlsConfig tls;
        private @Nullable String pushToken;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private List<String> allowedOrigins = List.of();
        private List<String> allowedHosts = List.of();

        private Builder() {}

        /** Where the push and admin API listens (default {@code 127.0.0.1:8081}). */
        public Builder listen(HostPort value) {
            this.listen = value;
            return this;
        }

        /** The bearer token callers send (default none, allowed only on a loopback address). */
        public Builder token(@Nullable String value) {
            this.token = value;
            return this;
        }

        /** The largest push body (default 1 MiB); a larger one gets HTTP 413. */
        public Builder maxBodyBytes(int value) {
            this.maxBodyBytes = value;
            return this;
        }

        /** Key pairs that may sign {@code @connections} requests (default none). */
        public Builder awsCredentials(List<AwsCredential> value) {
            this.awsCredentials = value;
            return this;
        }

        /** TLS on the push listener (default none: plain HTTP). */
        public Builder tls(@Nullable TlsConfig value) {
            this.tls = value;
            return this;
        }

        /** A second token that may only {@code POST /push} (default none; needs {@link #token}). */
        public Builder pushToken(@Nullable String value) {
            this.pushToken = value;
            return this;
        }

        /** Time from a request's first byte to its last (default 10 s); past it HTTP 408. */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = value;
            return this;
        }

        /** Time a connection may stay open with no request in progress (default 60 s). */
        public Builder idleTimeout(Duration value) {
            this.idleTimeout = value;
            return this;
        }

        /** Browser origins a listener without a token accepts besides its own (default none). */
        public Builder allowedOrigins(List<String> value) {
            this.allowedOrigins = value;
            return this;
        }

        /** {@code Host} header values the listener answers (default: see {@link PushConfig}). */
        public Builder allowedHosts(List<String> value) {
            this.allowedHosts = value;
            return this;
        }

        /**
         * Builds the config.
         *
         * @throws ConfigException naming the {@code push.} key of the first rule broken
         */
        public PushConfig build() {
            return new PushConfig(
                    listen,
                    token,
                    maxBodyBytes,
                    awsCredentials,
                    tls,
                    pushToken,
                    requestTimeout,
                    idleTimeout,
                    allowedOrigins,
                    allowedHosts);
        }
    }
}
