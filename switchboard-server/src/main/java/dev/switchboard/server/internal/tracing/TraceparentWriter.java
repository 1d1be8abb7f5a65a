package dev.switchboard.server.internal.tracing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import dev.switchboard.core.function.EventWriter;
import java.io.IOException;

/**
 * A dialect's event writer that adds a top-level {@code "traceparent"} field to the event it
 * writes, as the event's last field; the dialect's own fields are untouched.
 */
final class TraceparentWriter {
    private TraceparentWriter() {}

    static EventWriter of(EventWriter dialect, String traceparent) {
        return (event, generator) -> dialect.write(event, new LastField(generator, traceparent));
    }

    /** Counts object depth so that only the event's own closing brace gets the field. */
    private static final class LastField extends JsonGeneratorDelegate {
        private final String traceparent;
        private int depth;

        LastField(JsonGenerator generator, String traceparent) {
            super(generator, false);
            this.traceparent = traceparent;
        }

        @Override
        public void writeStartObject() throws IOException {
            depth++;
            super.writeStartObject();
        }

        @Override
        public void writeStartObject(Object forValue) throws IOException {
            depth++;
            super.writeStartObject(forValue);
        }

        @Override
        public void writeStartObject(Object forValue, int size) throws IOException {
            depth++;
            super.writeStartObject(forValue, size);
        }

        @Override
        public void writeObjectFieldStart(String name) throws IOException {
            writeFieldName(name);
            writeStartObject();
        }

        @Override
        public void writeEndObject() throws IOException {
            if (depth == 1) {
                super.writeStringField(Tracing.TRACEPARENT, traceparent);
            }
            depth--;
            super.writeEndObject();
        }
    }
}
