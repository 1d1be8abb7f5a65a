package dev.switchboard.server.internal.push;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.regex.Pattern;

/**
 * A value a caller sent (a path, a query parameter, a header), made safe to put in an answer's
 * {@code errMsg}: a JSON string, so control characters and line breaks are escaped, cut to
 * {@value #MAX_CHARS} characters, so no caller gets its own value echoed in full.
 */
final class PeerText {
    static final int MAX_CHARS = 80;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._:@/-]{1," + MAX_CHARS + "}");

    private PeerText() {}

    /**
     * A connection id or similar name as it is when it is one ({@code [A-Za-z0-9._:@/-]}, at most
     * {@value #MAX_CHARS} characters), so ordinary answers read as before; anything else quoted.
     */
    static String name(String value) {
        return NAME.matcher(value).matches() ? value : quoted(value);
    }

    static String quoted(String value) {
        String text = TextNode.valueOf(value).toString();
        return text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) + "…" : text;
    }
}
