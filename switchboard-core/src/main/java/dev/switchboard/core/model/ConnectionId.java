package dev.switchboard.core.model;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Connection ids: {@code <nodeId>.<22 url-safe random characters>}. The node id prefix tells
 * any node which node holds the connection, so routing a push needs no lookup; the random part
 * (128 bits) makes ids unguessable. Ids are URL-safe so they can sit in a path.
 */
public final class ConnectionId {
    /** What a node id may contain: it becomes part of every connection id. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    private ConnectionId() {}

    /** A new id for a connection held by {@code nodeId}. */
    public static String generate(String nodeId) {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        return nodeId + '.' + ENCODER.encodeToString(random);
    }

    /** The node that holds the connection, or empty when {@code id} is not a Switchboard id. */
    public static Optional<String> nodeOf(String id) {
        int dot = id.indexOf('.');
        return dot > 0 ? Optional.of(id.substring(0, dot)) : Optional.empty();
    }
}
