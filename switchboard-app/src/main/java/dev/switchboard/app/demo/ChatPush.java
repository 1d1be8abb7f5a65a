package dev.switchboard.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends to a group through the gateway's push API over loopback HTTP, as any function would.
 * Non-blocking: the chat functions run on the connections' event loops. The push URL and token
 * are read from the system properties {@link ChatFunctions#PUSH_URL_PROPERTY} and
 * {@link ChatFunctions#PUSH_TOKEN_PROPERTY}, which {@code switchboard demo} sets once the push
 * listener has its port.
 */
final class ChatPush {
    private static final Logger log = LoggerFactory.getLogger(ChatPush.class);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Sends {@code message} as a text message to every member of {@code group} except
     * {@code exclude}. Completes with the HTTP status, or -1 when the push API could not be
     * reached; never exceptionally, since a lost notice must not fail the caller.
     */
    CompletionStage<Integer> toGroup(String group, JsonNode message, List<String> exclude) {
        String url = System.getProperty(ChatFunctions.PUSH_URL_PROPERTY);
        if (url == null) {
            log.warn("{} is not set: the chat cannot push", ChatFunctions.PUSH_URL_PROPERTY);
            return CompletableFuture.completedFuture(-1);
        }
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode websocket = body.putObject("websocket")
                .put("action", "data send")
                .put("group", group)
                .put("dataType", "text")
                .put("data", message.toString());
        exclude.forEach(websocket.putArray("exclude")::add);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        String token = System.getProperty(ChatFunctions.PUSH_TOKEN_PROPERTY);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (error != null) {
                        log.warn("push to group {} failed: {}", group, error.toString());
                        return -1;
                    }
                    if (response.statusCode() != 200) {
                        log.warn("push to group {} answered {}: {}", group, response.statusCode(), response.body());
                    }
                    return response.statusCode();
                });
    }
}
