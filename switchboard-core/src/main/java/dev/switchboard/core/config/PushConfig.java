package dev.switchboard.core.config;

import java.util.List;
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
 */
public record PushConfig(
        HostPort listen,
        @Nullable String token,
        int maxBodyBytes,
        List<AwsCredential> awsCredentials,
        @Nullable TlsConfig tls,
        @Nullable String pushToken) {
    public static final HostPort DEFAULT_LISTEN = new HostPort("127.0.0.1", 8081);
    public static final int DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

    public PushConfig {
        awsCredentials = List.copyOf(awsCredentials);
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
        return new PushConfig(listen, token, maxBodyBytes, awsCredentials, tls, pushToken);
    }

    /** This config with another token (null for none). */
    public PushConfig withToken(@Nullable String token) {
        return new PushConfig(listen, token, maxBodyBytes, awsCredentials, tls, pushToken);
    }

    /** This config with a push-only token (null for none). */
    public PushConfig withPushToken(@Nullable String pushToken) {
        return new PushConfig(listen, token, maxBodyBytes, awsCredentials, tls, pushToken);
    }

    /** This config with TLS (null for plain HTTP). */
    public PushConfig withTls(@Nullable TlsConfig tls) {
        return new PushConfig(listen, token, maxBodyBytes, awsCredentials, tls, pushToken);
    }

    /** This config with other AWS credentials for {@code @connections} (empty for none). */
    public PushConfig withAwsCredentials(List<AwsCredential> awsCredentials) {
        return new PushConfig(listen, token, maxBodyBytes, awsCredentials, tls, pushToken);
    }
}
