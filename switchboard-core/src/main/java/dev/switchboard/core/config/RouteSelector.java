package dev.switchboard.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A route selection expression: {@code $request.body.action} (a field of the JSON message,
 * nested fields separated by dots) or a template such as
 * {@code ${request.body.service}/${request.body.action}}. It selects a route key from a text
 * message, or nothing when the message is binary, is not a JSON object, or lacks a field (or the
 * field is an object, an array or null); the message then goes to {@code $default}.
 */
public final class RouteSelector {
    private static final String BODY = "$request.body.";
    private static final String TEMPLATE_BODY = "${request.body.";
    private static final String EXPECTED =
            "$request.body.<field>[.<field>...] or a template of ${request.body.<field>} parts";

    /** A literal piece of a template, or the path of a body field. */
    private record Part(@Nullable String literal, List<String> path) {}

    private final List<Part> parts;

    private RouteSelector(List<Part> parts) {
        this.parts = List.copyOf(parts);
    }

    /**
     * Parses an expression.
     *
     * @throws IllegalArgumentException naming the expected form when {@code expression} is not one
     */
    public static RouteSelector parse(String expression) {
        if (expression.startsWith(BODY) && !expression.contains("${")) {
            return new RouteSelector(List.of(new Part(null, path(expression, expression.substring(BODY.length())))));
        }
        List<Part> parts = new ArrayList<>();
        int at = 0;
        boolean anyField = false;
        while (at < expression.length()) {
            int open = expression.indexOf("${", at);
            if (open < 0) {
                parts.add(new Part(expression.substring(at), List.of()));
                break;
            }
            if (open > at) {
                parts.add(new Part(expression.substring(at, open), List.of()));
            }
            int close = expression.indexOf('}', open);
            if (!expression.startsWith(TEMPLATE_BODY, open) || close < 0) {
                throw invalid(expression);
            }
            parts.add(new Part(null, path(expression, expression.substring(open + TEMPLATE_BODY.length(), close))));
            anyField = true;
            at = close + 1;
        }
        if (!anyField) {
            throw invalid(expression);
        }
        return new RouteSelector(parts);
    }

    private static List<String> path(String expression, String dotted) {
        List<String> fields = List.of(dotted.split("\\.", -1));
        for (String field : fields) {
            if (field.isEmpty() || field.contains("$") || field.contains("{") || field.contains("}")) {
                throw invalid(expression);
            }
        }
        return fields;
    }

    private static IllegalArgumentException invalid(String expression) {
        return new IllegalArgumentException("'" + expression + "' (expected: " + EXPECTED + ")");
    }

    /** The route key {@code message} selects, or empty when it selects none. */
    public Optional<String> select(Message message) {
        if (message.type() != Message.Type.TEXT) {
            return Optional.empty();
        }
        JsonNode body;
        try {
            body = Json.mapper().readTree(message.payload());
        } catch (IOException e) {
            return Optional.empty();
        }
        if (body == null || !body.isObject()) {
            return Optional.empty();
        }
        StringBuilder key = new StringBuilder();
        for (Part part : parts) {
            if (part.literal() != null) {
                key.append(part.literal());
                continue;
            }
            JsonNode value = body;
            for (String field : part.path()) {
                value = value.path(field);
            }
            if (!value.isValueNode() || value.isNull()) {
                return Optional.empty();
            }
            key.append(value.asText());
        }
        return Optional.of(key.toString());
    }
}
