package dev.switchboard.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.cluster.ConnectionRecord;
import dev.switchboard.core.json.Json;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A connection record as the fields of its Redis hash, and back. */
final class RecordCodec {
    private RecordCodec() {}

    static Map<String, String> toHash(ConnectionRecord record) {
        Map<String, String> hash = new HashMap<>();
        hash.put("node", record.node());
        hash.put("route", record.route());
        hash.put("connectedAt", Long.toString(record.connectedAt()));
        hash.put("remoteAddress", record.remoteAddress());
        if (record.userAgent() != null) {
            hash.put("userAgent", record.userAgent());
        }
        if (record.subprotocol() != null) {
            hash.put("subprotocol", record.subprotocol());
        }
        if (record.context() != null) {
            hash.put("context", record.context().toString());
        }
        if (record.userId() != null) {
            hash.put("userId", record.userId());
        }
        if (record.authorizer() != null) {
            hash.put("authorizer", record.authorizer().toString());
        }
        return hash;
    }

    static @Nullable ConnectionRecord fromHash(String id, Map<String, String> hash) {
        if (hash.isEmpty() || !hash.containsKey("node") || !hash.containsKey("route")) {
            return null;
        }
        return new ConnectionRecord(
                id,
                hash.get("node"),
                hash.get("route"),
                parseLong(hash.get("connectedAt")),
                hash.getOrDefault("remoteAddress", ""),
                hash.get("userAgent"),
                hash.get("subprotocol"),
                object(hash.get("context")),
                hash.get("userId"),
                object(hash.get("authorizer")));
    }

    private static long parseLong(@Nullable String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static @Nullable ObjectNode object(@Nullable String json) {
        if (json == null) {
            return null;
        }
        try {
            JsonNode node = Json.mapper().readTree(json);
            return node instanceof ObjectNode object ? object : null;
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
