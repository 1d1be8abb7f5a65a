package dev.switchboard.core.dialect.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.function.FunctionResult;
import dev.switchboard.core.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** What a REQUEST-type Lambda authorizer's answer decides about a {@code $connect}. */
public sealed interface AuthorizerDecision {
    /** The action a WebSocket connect needs the policy to allow. */
    String INVOKE = "execute-api:Invoke";

    /**
     * The policy allows the connection.
     *
     * @param authorizer {@code requestContext.authorizer} of the connection's events: the answer's
     *     {@code context} entries and its {@code principalId}
     */
    record Allow(ObjectNode authorizer) implements AuthorizerDecision {}

    /** The policy denies the connection, or allows nothing that covers it. */
    record Deny(String reason) implements AuthorizerDecision {}

    /** The authorizer failed, timed out, or answered something that is not a policy. */
    record Failed(String reason) implements AuthorizerDecision {}

    /**
     * Reads the answer of an authorizer called for {@code methodArn}: allowed when a statement
     * with {@code Effect: Allow} covers {@value #INVOKE} on it and none with {@code Deny} does.
     */
    static AuthorizerDecision of(FunctionResult result, String methodArn) {
        if (!(result instanceof FunctionResult.Response response) || !response.ok()) {
            return new Failed("authorizer failed: " + result.describe());
        }
        JsonNode body = response.body();
        if (body == null || !body.isObject()) {
            return new Failed("authorizer answered no JSON object");
        }
        JsonNode principal = body.get("principalId");
        if (principal == null || !principal.isTextual() || principal.asText().isEmpty()) {
            return new Failed("authorizer's answer has no principalId string");
        }
        JsonNode statements = body.path("policyDocument").path("Statement");
        if (!statements.isArray() && !statements.isObject()) {
            return new Failed("authorizer's answer has no policyDocument.Statement");
        }
        ObjectNode authorizer = Json.mapper().createObjectNode();
        JsonNode context = body.get("context");
        if (context != null && !context.isNull()) {
            if (!context.isObject()) {
                return new Failed("authorizer's context is not an object");
            }
            for (Map.Entry<String, JsonNode> entry : context.properties()) {
                JsonNode value = entry.getValue();
                if (!value.isTextual() && !value.isNumber() && !value.isBoolean()) {
                    return new Failed("authorizer's context." + entry.getKey() + " is not a string, number or boolean");
                }
                authorizer.set(entry.getKey(), value);
            }
        }
        authorizer.put("principalId", principal.asText());
        boolean allowed = false;
        for (JsonNode statement : statements.isArray() ? statements : List.of(statements)) {
            if (!matchesAny(statement.get("Action"), INVOKE, true)
                    || !matchesAny(statement.get("Resource"), methodArn, false)) {
                continue;
            }
            String effect = statement.path("Effect").asText();
            if (effect.equalsIgnoreCase("Deny")) {
                return new Deny("authorizer's policy denies " + methodArn + " to " + principal);
            }
            allowed |= effect.equalsIgnoreCase("Allow");
        }
        return allowed
                ? new Allow(authorizer)
                : new Deny("authorizer's policy does not allow " + methodArn + " to " + principal);
    }

    /** Whether {@code patterns} (a string or an array of them, {@code *} and {@code ?} as wildcards) matches {@code value}. */
    private static boolean matchesAny(JsonNode patterns, String value, boolean ignoreCase) {
        if (patterns == null) {
            return false;
        }
        List<JsonNode> list = new ArrayList<>();
        if (patterns.isArray()) {
            patterns.forEach(list::add);
        } else {
            list.add(patterns);
        }
        for (JsonNode pattern : list) {
            if (pattern.isTextual()
                    && glob(pattern.asText(), ignoreCase).matcher(value).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String pattern, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("(?=[*?])|(?<=[*?])")) {
            regex.append(
                    switch (part) {
                        case "*" -> ".*";
                        case "?" -> ".";
                        default -> Pattern.quote(part);
                    });
        }
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    }
}
