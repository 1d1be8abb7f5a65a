package dev.switchboard.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
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
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedHosts =
                allowedHosts.stream().map(host -> host.toLowerCase(Locale.ROOT)).toList();
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("push.request-timeout: " + requestTimeout + " (expected: > 0)");
        }
        if (idleTimeout.isNegative() || idleTimeout.isZero()) {
            throw new IllegalArgumentException("push.idle-timeout: " + idleTimeout + " (expected: > 0)");
        }
    }

    /** A push config with the default timeouts and no allowed origins or hosts beyond the defaults. */
    public PushConfig(
            HostPort listen,
            @Nullable String token,
            int maxBodyBytes,
            List<AwsCredential> awsCredentials,
            @Nullable TlsConfig tls,
            @Nullable String pushToken) {
        this(
                listen,
                token,
                maxBodyBytes,
                awsCredentials,
                tls,
                pushToken,
                DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT,
                List.of(),
                List.of());
    }

    /** A push config without a push-only token. */
    public PushConfig(
            HostPort listen,
            @Nullable String token,
            int maxBodyBytes,
            List<AwsCredential> awsCredentials,
            @Nullable TlsConfig tls) {
        this(listen, token, maxBodyBytes, awsCredentials, tls, null);
    }

    /** A push config without AWS credentials, over plain HTTP. */
    public PushConfig(HostPort listen, @Nullable String token, int maxBodyBytes) {
        this(listen, token, maxBodyBytes, List.of(), null);
    }

    /** A push config over plain HTTP. */
    public PushConfig(HostPort listen, @Nullable String token, int maxBodyBytes, List<AwsCredential> awsCredentials) {
        this(listen, token, maxBodyBytes, awsCredentials, null);
    }

    /** Loopback, no token, default body limit. */
    public static PushConfig defaults() {
        return new PushConfig(DEFAULT_LISTEN, null, DEFAULT_MAX_BODY_BYTES);
    }

    /** This config listening elsewhere. */
    public PushConfig withListen(HostPort listen) {
        return with(copy -> copy.listen = listen);
    }

    /** This config with another token (null for none). */
    public PushConfig withToken(@Nullable String token) {
        return with(copy -> copy.token = token);
    }

    /** This config with a push-only token (null for none). */
    public PushConfig withPushToken(@Nullable String pushToken) {
        return with(copy -> copy.pushToken = pushToken);
    }

    /** This config with TLS (null for plain HTTP). */
    public PushConfig withTls(@Nullable TlsConfig tls) {
        return with(copy -> copy.tls = tls);
    }

    /** This config with other AWS credentials for {@code @connections} (empty for none). */
    public PushConfig withAwsCredentials(List<AwsCredential> awsCredentials) {
        return with(copy -> copy.awsCredentials = awsCredentials);
    }

    /** This config with other request and idle timeouts. */
    public PushConfig withTimeouts(Duration requestTimeout, Duration idleTimeout) {
        return with(copy -> {
            copy.requestTimeout = requestTimeout;
            copy.idleTimeout = idleTimeout;
        });
    }

    /** This config accepting browser requests from {@code allowedOrigins} too (without a token). */
    public PushConfig withAllowedOrigins(List<String> allowedOrigins) {
        return with(copy -> copy.allowedOrigins = allowedOrigins);
    }

    /** This config answering only requests whose {@code Host} is in {@code allowedHosts}. */
    public PushConfig withAllowedHosts(List<String> allowedHosts) {
        return with(copy -> copy.allowedHosts = allowedHosts);
    }

    private PushConfig with(Consumer<Copy> change) {
        Copy copy = new Copy(this);
        change.accept(copy);
        return copy.build();
    }

    /** The fields of a config being copied with a change, for the {@code with…} methods. */
    private static final class Copy {
        HostPort listen;

        @Nullable
        String token;

        int maxBodyBytes;
        List<AwsCredential> awsCredentials;

        @Nullable
        TlsConfig tls;

        @Nullable
        String pushToken;

        Duration requestTimeout;
        Duration idleTimeout;
        List<String> allowedOrigins;
        List<String> allowedHosts;

        Copy(PushConfig config) {
            listen = config.listen;
            token = config.token;
            maxBodyBytes = config.maxBodyBytes;
            awsCredentials = config.awsCredentials;
            tls = config.tls;
            pushToken = config.pushToken;
            requestTimeout = config.requestTimeout;
            idleTimeout = config.idleTimeout;
            allowedOrigins = config.allowedOrigins;
            allowedHosts = config.allowedHosts;
        }

        PushConfig build() {
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
