package dev.switchboard.core.dialect.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.json.Json;
import dev.switchboard.core.model.ConnectEvent;

/**
 * The event of API Gateway's REQUEST-type Lambda authorizer on a WebSocket {@code $connect}: the
 * connect event's headers, query and {@code requestContext}, with {@code type: REQUEST},
 * {@code methodArn} and {@code stageVariables}.
 */
public final class AuthorizerEvents {
    /** Stands for the region and account of an ARN, which a self-hosted gateway does not have. */
    static final String ARN_PREFIX = "arn:aws:execute-api:local:000000000000:";

    private AuthorizerEvents() {}

    /** A writer of the authorizer event of a connect event that {@code connectWriter} writes. */
    public static EventWriter writer(EventWriter connectWriter) {
        return (event, g) -> {
            if (!(event instanceof ConnectEvent)) {
                throw new IllegalArgumentException("an authorizer is called for a connect event, not " + event);
            }
            TokenBuffer buffer = new TokenBuffer(Json.mapper(), false);
            connectWriter.write(event, buffer);
            ObjectNode connect = Json.mapper().readTree(buffer.asParser());
            ObjectNode authorizer = Json.mapper().createObjectNode();
            authorizer.put("type", "REQUEST");
            authorizer.put("methodArn", methodArn(connect.path("requestContext")));
            connect.remove("isBase64Encoded");
            authorizer.setAll(connect);
            authorizer.putObject("stageVariables");
            Json.mapper().writeTree(g, authorizer);
        };
    }

    private static String methodArn(JsonNode requestContext) {
        return methodArn(
                requestContext.path("apiId").asText(),
                requestContext.path("stage").asText());
    }

    /**
     * The {@code methodArn} of a route's {@code $connect}:
     * {@code arn:aws:execute-api:local:000000000000:<apiId>/<stage>/$connect}.
     */
    public static String methodArn(String apiId, String stage) {
        return ARN_PREFIX + apiId + "/" + stage + "/$connect";
    }
}
