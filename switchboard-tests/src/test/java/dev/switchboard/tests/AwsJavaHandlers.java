package dev.switchboard.tests;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2WebSocketResponse;
import java.util.Arrays;
import java.util.Map;

/**
 * A Lambda handler written against {@code aws-lambda-java-events}, as for API Gateway: it accepts
 * connections offering the {@code chat} subprotocol (and says so in the response header) and
 * echoes messages with their event type and route key.
 */
public final class AwsJavaHandlers
        implements RequestHandler<APIGatewayV2WebSocketEvent, APIGatewayV2WebSocketResponse> {

    @Override
    public APIGatewayV2WebSocketResponse handleRequest(APIGatewayV2WebSocketEvent event, Context context) {
        APIGatewayV2WebSocketEvent.RequestContext request = event.getRequestContext();
        APIGatewayV2WebSocketResponse response = new APIGatewayV2WebSocketResponse();
        if ("$connect".equals(request.getRouteKey())) {
            String offered = event.getHeaders().entrySet().stream()
                    .filter(header -> header.getKey().equalsIgnoreCase("Sec-WebSocket-Protocol"))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse("");
            boolean chat = Arrays.stream(offered.split(",")).map(String::trim).anyMatch("chat"::equals);
            response.setStatusCode(chat ? 200 : 400);
            if (chat) {
                response.setHeaders(Map.of("Sec-WebSocket-Protocol", "chat"));
            }
            context.getLogger().log("connect " + request.getConnectionId());
            return response;
        }
        response.setStatusCode(200);
        response.setBody(request.getEventType() + " " + request.getRouteKey() + " " + event.getBody());
        return response;
    }
}
