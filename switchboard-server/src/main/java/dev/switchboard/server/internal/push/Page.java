package dev.switchboard.server.internal.push;

import dev.switchboard.core.ErrorCode;
import dev.switchboard.core.SwitchboardException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Keyset paging for the admin API: items are ordered by a stable key (connection id, group name)
 * and a page starts after the key in its cursor, so paging while items come and go returns every
 * item that stayed exactly once. Each page is the {@code limit} smallest keys after the cursor,
 * picked with a bounded heap: no index is kept for it.
 *
 * @param items the page's items, in key order
 * @param nextCursor the cursor of the next page, or null when this page is the last
 */
record Page<T>(List<T> items, @Nullable String nextCursor) {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final String PREFIX = "after:";

    /** The page of {@code source} after {@code cursor} (null for the first page). */
    static <T> Page<T> of(Iterable<T> source, Function<T, String> key, @Nullable String cursor, int limit) {
        String after = cursor == null ? null : decode(cursor);
        Comparator<T> byKey = Comparator.comparing(key);
        PriorityQueue<T> smallest = new PriorityQueue<>(limit + 1, byKey.reversed());
        for (T item : source) {
            if (after != null && key.apply(item).compareTo(after) <= 0) {
                continue;
            }
            smallest.add(item);
            if (smallest.size() > limit) {
                smallest.poll();
            }
        }
        List<T> items = new ArrayList<>(smallest);
        items.sort(byKey);
        String next = items.size() == limit ? encode(key.apply(items.get(items.size() - 1))) : null;
        return new Page<>(items, next);
    }

    /** Reads the {@code limit} parameter. */
    static int limit(@Nullable String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new SwitchboardException(
                ErrorCode.INVALID_FIELD, "limit: " + PeerText.quoted(value) + " (expected: 1 to " + MAX_LIMIT + ")");
    }

    private static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + key).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (decoded.startsWith(PREFIX)) {
                return decoded.substring(PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new SwitchboardException(
                ErrorCode.INVALID_FIELD,
                "cursor: " + PeerText.quoted(cursor) + " (expected: a nextCursor from an earlier page)");
    }
}
