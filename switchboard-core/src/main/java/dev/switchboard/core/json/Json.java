package dev.switchboard.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson setup shared by every module: thread-safe, created once. */
public final class Json {
    /**
     * Nesting limit for anything parsed from the network; deep nesting is a cheap way to burn
     * stack, and no legitimate event or push needs more.
     */
    public static final int MAX_NESTING_DEPTH = 64;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .build())
            .build();

    private static final ObjectMapper MAPPER = JsonMapper.builder(FACTORY).build();

    private Json() {}

    /** The shared streaming factory, for encoding events without intermediate trees. */
    public static JsonFactory factory() {
        return FACTORY;
    }

    /** The shared mapper, for reading responses and push bodies into trees. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }
}
