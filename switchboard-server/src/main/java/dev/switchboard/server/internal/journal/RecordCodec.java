package dev.switchboard.server.internal.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.json.Json;

/**
 * A connection record as stored: a JSON object with named fields and a format version, so that a
 * file written by one release can be read by the next. A field added within a version is optional
 * ({@code userId}, {@code authorizer}): a record written before it reads as a connection without a user, and a
 * release that does not know it ignores it.
 */
final class RecordCodec {
    static final int VERSION = 1;

    private RecordCodec() {}

    static String encode(ConnectionRecord record) {
        ObjectNode json = Json.mapper().createObjectNode();
        json.put("v", VERSION)
                .put("id", record.id())
                .put("node", record.node())
                .put("route", record.route())
                .put("connectedAt", record.connectedAt())
                .put("remoteAddress", record.remoteAddress());
        if (record.userAgent() != null) {
            json.put("userAgent", record.userAgent());
        }
        if (record.subprotocol() != null) {
            json.put("subprotocol", record.subprotocol());
        }
        if (record.context() != null) {
            json.set("context", record.context());
        }
        if (record.userId() != null) {
            json.put("userId", record.userId());
        }
        if (record.authorizer() != null) {
            json.set("authorizer", record.authorizer());
        }
        return json.toString();
    }

    /**
     * Reads a stored record.
     *
     * @throws IllegalArgumentException when {@code text} is not a record this version can read
     */
    static ConnectionRecord decode(String text) {
        JsonNode json;
        try {
            json = Json.mapper().readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON (" + e.getOriginalMessage() + ")");
        }
        if (json == null || json.path("v").asInt() != VERSION) {
            throw new IllegalArgumentException(
                    "format " + (json == null ? "none" : json.path("v")) + " (expected: " + VERSION + ")");
        }
        for (String field : new String[] {"id", "node", "route", "connectedAt", "remoteAddress"}) {
            if (!json.hasNonNull(field)) {
                throw new IllegalArgumentException("no " + field);
            }
        }
        JsonNode context = json.get("context");
        return new ConnectionRecord(
                json.get("id").asText(),
                json.get("node").asText(),
                json.get("route").asText(),
                json.get("connectedAt").asLong(),
                json.get("remoteAddress").asText(),
                json.hasNonNull("userAgent") ? json.get("userAgent").asText() : null,
                json.hasNonNull("subprotocol") ? json.get("subprotocol").asText() : null,
                context instanceof ObjectNode object ? object : null,
                json.hasNonNull("userId") ? json.get("userId").asText() : null,
                json.get("authorizer") instanceof ObjectNode authorizer ? authorizer : null);
    }
}
