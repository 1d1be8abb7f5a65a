package dev.switchboard.server.internal.client;

import dev.switchboard.core.model.ConnectEvent;
import dev.switchboard.core.model.ConnectEvent.Header;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The upgrade request's headers and query string in the two forms a {@link ConnectEvent} carries
 * (the Tencent dialect writes the joined maps, the AWS dialect the lines and every value). Both
 * forms of the headers come from one pass over the request's headers, and a request without a
 * query string (the common case) is not run through a {@link QueryStringDecoder} at all.
 */
final class ConnectEventParts {
    private ConnectEventParts() {}

    /**
     * The request's headers.
     *
     * @param joined names in lower case, repeated headers joined with {@code ", "}
     * @param lines as sent: names in their original case, in order, repeats as separate lines
     */
    record Headers(Map<String, String> joined, List<Header> lines) {}

    /**
     * The request's query string parameters.
     *
     * @param first the first value of each
     * @param values every value of each, in order
     */
    record Query(Map<String, String> first, Map<String, List<String>> values) {}

    private static final Query NO_QUERY = new Query(Map.of(), Map.of());

    static Headers headers(HttpHeaders headers) {
        Map<String, String> joined = new LinkedHashMap<>();
        List<Header> lines = new ArrayList<>(headers.size());
        Iterator<Map.Entry<CharSequence, CharSequence>> entries = headers.iteratorCharSequence();
        while (entries.hasNext()) {
            Map.Entry<CharSequence, CharSequence> entry = entries.next();
            String name = entry.getKey().toString();
            String value = entry.getValue().toString();
            lines.add(new Header(name, value));
            joined.merge(name.toLowerCase(Locale.ROOT), value, (first, next) -> first + ", " + next);
        }
        return new Headers(joined, lines);
    }

    /** The query of a request for {@code uri}; without a {@code '?'} there is none to decode. */
    static Query query(String uri) {
        if (uri.indexOf('?') < 0) {
            return NO_QUERY;
        }
        Map<String, List<String>> values = new QueryStringDecoder(uri).parameters();
        Map<String, String> first = new LinkedHashMap<>();
        values.forEach((name, all) -> first.put(name, all.isEmpty() ? "" : all.get(0)));
        return new Query(first, values);
    }
}
