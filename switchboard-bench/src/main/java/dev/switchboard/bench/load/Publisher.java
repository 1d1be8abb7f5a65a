package dev.switchboard.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * How a fan-out run publishes one payload to every subscriber over HTTP, and how many subscribers
 * the server says it reached: the gateway's (or the raw Netty server's) push API, or an nchan
 * publisher location.
 */
public sealed interface Publisher {
    /** The request that publishes {@code payload} (ASCII text). */
    HttpRequest request(byte[] payload);

    /** The subscribers the answer says were reached; 0 when the publish failed. */
    int delivered(HttpResponse<String> response);

    /** A {@code data send} to {@code group} through the push API at {@code push}. */
    static Publisher pushApi(URI push, String group) {
        return new PushApi(push, group);
    }

    /** A POST of the payload itself to the nchan publisher location {@code publish}. */
    static Publisher nchan(URI publish) {
        return new Nchan(publish);
    }

    /** The push API's {@code data send}: its answer counts the members in {@code delivered}. */
    record PushApi(URI push, String group) implements Publisher {
        @Override
        public HttpRequest request(byte[] payload) {
            String body = "{\"websocket\":{\"action\":\"data send\",\"group\":\"" + group
                    + "\",\"dataType\":\"text\",\"data\":\"" + Payloads.text(payload) + "\"}}";
            return HttpRequest.newBuilder(push)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
        }

        @Override
        public int delivered(HttpResponse<String> response) {
            return response.statusCode() == 200 ? jsonField(response.body(), "delivered") : 0;
        }
    }

    /**
     * nchan's publisher: 201 (or 202, when no subscriber waited) with the channel's info, whose
     * {@code subscribers} counts the channel's subscribers on every worker.
     */
    record Nchan(URI publish) implements Publisher {
        @Override
        public HttpRequest request(byte[] payload) {
            return HttpRequest.newBuilder(publish)
                    .header("Content-Type", "text/plain")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                    .build();
        }

        @Override
        public int delivered(HttpResponse<String> response) {
            int status = response.statusCode();
            return status == 201 || status == 202 ? jsonField(response.body(), "subscribers") : 0;
        }
    }

    private static int jsonField(String body, String field) {
        try {
            JsonNode json = Json.mapper().readTree(body);
            return json.path(field).asInt(0);
        } catch (IOException e) {
            return 0;
        }
    }
}
