package dev.switchboard.core.dialect;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Base64;

/**
 * Binary payloads as standard base64 strings in events. Byte generators stream the base64;
 * others (a token buffer building a tree for an in-process function) get a string, so the tree
 * holds the same text node a parsed event would.
 */
public final class Base64Text {
    private Base64Text() {}

    public static void write(byte[] payload, JsonGenerator g) throws IOException {
        if (g.getOutputTarget() instanceof OutputStream) {
            g.writeBinary(payload);
        } else {
            g.writeString(Base64.getEncoder().encodeToString(payload));
        }
    }
}
