package dev.switchboard.runtimes.process;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.json.Json;
import org.jspecify.annotations.Nullable;

/** One line a worker sends to the gateway (see {@code worker.py} for the protocol). */
sealed interface WorkerMessage {

    /** The handler file is loaded; the worker takes invocations. */
    record Ready() implements WorkerMessage {}

    /** The handler file could not be loaded; the worker exits. */
    record Fatal(String error, String traceback) implements WorkerMessage {}

    /** One line the handler printed. */
    record Log(String stream, String text) implements WorkerMessage {}

    /** The handler returned {@code body} (null for None/undefined). */
    record Result(long id, @Nullable JsonNode body) implements WorkerMessage {}

    /** The handler raised or rejected. */
    record Error(long id, String error, String traceback) implements WorkerMessage {}

    /**
     * Reads one line.
     *
     * @throws IllegalArgumentException when the line is not a message of the protocol
     */
    static WorkerMessage parse(String line) {
        JsonNode message;
        try {
            message = Json.mapper().readTree(line);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage());
        }
        if (message == null || !message.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        String type = message.path("type").asText("");
        return switch (type) {
            case "ready" -> new Ready();
            case "fatal" ->
                new Fatal(
                        message.path("error").asText(""),
                        message.path("traceback").asText(""));
            case "log" ->
                new Log(
                        message.path("stream").asText("stdout"),
                        message.path("text").asText(""));
            case "result" -> new Result(id(message), body(message.get("body")));
            case "error" ->
                new Error(
                        id(message),
                        message.path("error").asText(""),
                        message.path("traceback").asText(""));
            default -> throw new IllegalArgumentException("unknown message type '" + type + "'");
        };
    }

    private static long id(JsonNode message) {
        JsonNode id = message.get("id");
        if (id == null || !id.canConvertToLong()) {
            throw new IllegalArgumentException("answer without a numeric id");
        }
        return id.asLong();
    }

    private static @Nullable JsonNode body(@Nullable JsonNode body) {
        return body == null || body.isNull() ? null : body;
    }
}
