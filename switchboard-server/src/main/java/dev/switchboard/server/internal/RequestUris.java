package dev.switchboard.server.internal;

import io.netty.handler.codec.http.QueryStringDecoder;

/**
 * Request URIs checked when the request arrives: a malformed percent-escape anywhere in the path
 * or the query is then a 400 from the listener that received it, not an exception wherever the
 * query happens to be read later.
 */
public final class RequestUris {
    private RequestUris() {}

    /**
     * The decoded path of {@code decoder}'s URI; a URI holding a {@code '%'} has its query decoded
     * (and cached by the decoder) as well.
     *
     * @throws IllegalArgumentException for a malformed percent-escape in the path or the query
     */
    public static String checkedPath(QueryStringDecoder decoder) {
        String path = decoder.path();
        if (decoder.uri().indexOf('%') >= 0) {
            decoder.parameters();
        }
        return path;
    }

    /**
     * The decoded path of {@code decoder}'s URI, or its raw path when that holds a malformed
     * escape: for the checks that run before the request is answered (which then refuses it).
     */
    public static String pathOrRaw(QueryStringDecoder decoder) {
        try {
            return decoder.path();
        } catch (IllegalArgumentException e) {
            return decoder.rawPath();
        }
    }
}
