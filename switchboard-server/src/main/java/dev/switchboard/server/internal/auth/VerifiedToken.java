package dev.switchboard.server.internal.auth;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a verified token gives a connection.
 *
 * @param userId the user, from the route's {@code user-id-claim}
 * @param claims every claim of the token, as the registration function sees them
 * @param context the route's {@code context-claim}, if set and present
 * @param groups the route's {@code groups-claim}, if set and present
 * @param expiresAt the token's {@code exp}, if it has one: the connection closes then
 */
public record VerifiedToken(
        String userId,
        ObjectNode claims,
        @Nullable ObjectNode context,
        List<String> groups,
        @Nullable Instant expiresAt) {
    public VerifiedToken {
        groups = List.copyOf(groups);
    }
}
