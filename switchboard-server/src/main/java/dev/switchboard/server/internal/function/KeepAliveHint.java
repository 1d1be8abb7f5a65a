package dev.switchboard.server.internal.function;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.TimeUnit;

/**
 * How long a kept-alive connection may sit idle before the gateway stops reusing it, from the
 * {@code Keep-Alive: timeout=N} header the function's server announces (Node.js, Apache and
 * others do). A connection is reused only until one second before the server's own timeout,
 * since a call written as the server closes the connection fails rather than being sent twice.
 */
final class KeepAliveHint {
    /** Reused at most this long before the server's announced timeout. */
    static final long MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** No hint: the connection is reused until the server closes it. */
    static final long UNLIMITED = Long.MAX_VALUE;

    private KeepAliveHint() {}

    /** The nanoseconds a connection may idle after a response with {@code headers}: 0 or more. */
    static long idleNanos(HttpHeaders headers) {
        String value = headers.get("Keep-Alive");
        if (value == null) {
            return UNLIMITED;
        }
        for (String parameter : value.split(",")) {
            String[] pair = parameter.trim().split("=", 2);
            if (pair.length == 2 && pair[0].trim().equalsIgnoreCase("timeout")) {
                try {
                    long seconds = Long.parseLong(pair[1].trim());
                    return Math.max(0, TimeUnit.SECONDS.toNanos(Math.max(0, seconds)) - MARGIN_NANOS);
                } catch (NumberFormatException e) {
                    return UNLIMITED; // not a number: as if there were no hint
                }
            }
        }
        return UNLIMITED;
    }
}
