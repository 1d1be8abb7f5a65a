package dev.switchboard.core.function;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.core.model.FunctionEvent;
import java.io.IOException;

/** Writes an event as the JSON a route's dialect defines, streaming, without intermediate trees. */
@FunctionalInterface
public interface EventWriter {
    /** Writes {@code event} as one JSON object to {@code generator}. */
    void write(FunctionEvent event, JsonGenerator generator) throws IOException;
}
