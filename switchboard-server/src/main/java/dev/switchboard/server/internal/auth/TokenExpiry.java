package dev.switchboard.server.internal.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.json.Json;
import io.netty.util.concurrent.Ticker;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * When a connection's token runs out, on the gateway's ticker: the connection's timer pass
 * ({@code ConnectionSweeper}) closes it with {@value TokenAuth#TOKEN_EXPIRED_CODE} once
 * {@link #expired} says so, unless a refreshed token moved the deadline on.
 *
 * @param userId the user the first token named: a refreshed token must name the same one
 * @param expiresAt the current token's {@code exp}, or null when it has none (it never expires)
 * @param deadlineNanos {@code expiresAt} on the ticker
 */
public record TokenExpiry(String userId, @Nullable Instant expiresAt, long deadlineNanos) {

    /** The expiry of {@code token}, placed on {@code ticker}. */
    public static TokenExpiry of(VerifiedToken token, Ticker ticker) {
        return at(token.userId(), token.expiresAt(), ticker);
    }

    /** This expiry as it moves to another node with a reliable session: the user and {@code exp}. */
    public ObjectNode toJson() {
        ObjectNode json = Json.mapper().createObjectNode().put("userId", userId);
        json.put("expiresAt", expiresAt == null ? null : expiresAt.toEpochMilli());
        return json;
    }

    /** The expiry {@link #toJson} wrote on another node, placed on this node's {@code ticker}. */
    public static TokenExpiry fromJson(JsonNode json, Ticker ticker) {
        JsonNode expires = json.path("expiresAt");
        Instant expiresAt = expires.isIntegralNumber() ? Instant.ofEpochMilli(expires.asLong()) : null;
        return at(json.path("userId").asText(), expiresAt, ticker);
    }

    private static TokenExpiry at(String userId, @Nullable Instant expiresAt, Ticker ticker) {
        long deadline = expiresAt == null
                ? 0
                : ticker.nanoTime()
                        + Math.max(0, Duration.between(Instant.now(), expiresAt).toNanos());
        return new TokenExpiry(userId, expiresAt, deadline);
    }

    /** True once the token's {@code exp} has passed at {@code nowNanos} on the ticker. */
    public boolean expired(long nowNanos) {
        return expiresAt != null && nowNanos - deadlineNanos >= 0;
    }
}
