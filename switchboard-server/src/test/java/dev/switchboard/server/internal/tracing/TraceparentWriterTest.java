package dev.switchboard.server.internal.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.function.EventWriter;
import dev.switchboard.core.json.Json;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TraceparentWriterTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void theEventGetsATopLevelTraceparentAndItsNestedObjectsDoNot() throws Exception {
        EventWriter writer = (event, g) -> {
            g.writeStartObject();
            g.writeObjectFieldStart("websocket");
            g.writeStringField("action", "closing");
            g.writeEndObject();
            g.writeEndObject();
        };
        StringWriter out = new StringWriter();
        try (JsonGenerator g = Json.factory().createGenerator(out)) {
            // inside an envelope, as the process runtime writes it
            g.writeStartObject();
            g.writeFieldName("event");
            TraceparentWriter.of(writer, TRACEPARENT).write(null, g);
            g.writeEndObject();
        }
        JsonNode written = Json.mapper().readTree(out.toString());
        assertThat(written.path("event").path("traceparent").asText()).isEqualTo(TRACEPARENT);
        assertThat(written.path("event").path("websocket").has("traceparent")).isFalse();
        assertThat(written.has("traceparent")).isFalse();
    }

    @Test
    void tracingIsOnOnlyWhenAnExporterIsNamedAndTheSdkIsNotDisabled() {
        assertThat(Tracing.enabledBy(Map.of())).isFalse();
        assertThat(Tracing.enabledBy(Map.of("OTEL_TRACES_EXPORTER", "none"))).isFalse();
        assertThat(Tracing.enabledBy(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")))
                .isFalse();
        assertThat(Tracing.enabledBy(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
        assertThat(Tracing.enabledBy(Map.of("OTEL_TRACES_EXPORTER", "otlp", "OTEL_SDK_DISABLED", "true")))
                .isFalse();
    }
}
