package dev.switchboard.app.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends to a group or a connection, and reads who is in a group, through the gateway's push API
 * over loopback HTTP, as any function would.
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
     * reached; never exceptionally.
     */
    CompletionStage<Integer> toGroup(String group, JsonNode message, List<String> exclude) {
        ObjectNode body = Json.mapper().createObjectNode();
        ObjectNode websocket = body.putObject("websocket")
                .put("action", "data send")
                .put("group", group)
                .put("dataType", "text")
                .put("data", message.toString());
        exclude.forEach(websocket.putArray("exclude")::add);
        return send("push to group " + group, "", HttpRequest.BodyPublishers.ofString(body.toString()))
                .thenApply(response -> response.map(HttpResponse::statusCode).orElse(-1));
    }

    /** Sends {@code message} as a text message to connection {@code id}; as {@link #toGroup}. */
    CompletionStage<Integer> toConnection(String id, JsonNode message) {
        ObjectNode body = Json.mapper().createObjectNode();
        body.putObject("websocket")
                .put("action", "data send")
                .put("secConnectionID", id)
                .put("dataType", "text")
                .put("data", message.toString());
        return send("push to " + id, "", HttpRequest.BodyPublishers.ofString(body.toString()))
                .thenApply(response -> response.map(HttpResponse::statusCode).orElse(-1));
    }

    /**
     * The users in {@code group} ({@code GET /groups/{group}/presence}), in order; empty when the
     * push API could not be reached or did not answer them.
     */
    CompletionStage<List<String>> usersIn(String group) {
        String path = "/groups/" + URLEncoder.encode(group, StandardCharsets.UTF_8) + "/presence?limit=1000";
        return send("presence of " + group, path, null).thenApply(response -> {
            List<String> users = new ArrayList<>();
            if (response.isPresent() && response.get().statusCode() == 200) {
                try {
                    Json.mapper()
                            .readTree(response.get().body())
                            .path("users")
                            .forEach(user -> users.add(user.path("userId").asText()));
                } catch (IOException e) {
                    log.warn("presence of {}: not JSON: {}", group, e.toString());
                }
            }
            return users;
        });
    }

    /**
     * POSTs {@code body} to the push URL, or GETs {@code path} beside it when {@code body} is null.
     * Completes with the response, or empty when the push API could not be reached; never
     * exceptionally, since a lost notice must not fail the caller.
     */
    private CompletionStage<Optional<HttpResponse<String>>> send(
            String what, String path, HttpRequest.@Nullable BodyPublisher body) {
        String url = System.getProperty(ChatFunctions.PUSH_URL_PROPERTY);
        if (url == null) {
            log.warn("{} is not set: the chat cannot push", ChatFunctions.PUSH_URL_PROPERTY);
            return CompletableFuture.completedFuture(Optional.empty());
        }
        URI uri = URI.create(body == null ? url.substring(0, url.length() - "/push".length()) + path : url);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5));
        if (body != null) {
            request.header("Content-Type", "application/json").POST(body);
        }
        String token = System.getProperty(ChatFunctions.PUSH_TOKEN_PROPERTY);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (error != null) {
                        log.warn("{} failed: {}", what, error.toString());
                        return Optional.empty();
                    }
                    if (response.statusCode() != 200) {
                        log.warn("{} answered {}: {}", what, response.statusCode(), response.body());
                    }
                    return Optional.of(response);
                });
    }
}
