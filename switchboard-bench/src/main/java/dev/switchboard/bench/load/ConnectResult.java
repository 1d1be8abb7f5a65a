package dev.switchboard.bench.load;

import dev.switchboard.bench.report.Latency;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How opening a batch of connections went.
 *
 * @param open the connections whose handshake completed
 * @param failed connections that failed to connect or complete the handshake
 * @param seconds from the first connect to the last completed handshake (failures wait for their
 *     timeout but are not part of this time; they are counted in {@code failed})
 * @param handshakes time from starting the TCP connect to receiving the 101 response
 * @param firstError the first failure, for the report
 */
public record ConnectResult(
        List<WsConnection> open,
        int failed,
        double seconds,
        Latency handshakes,
        @Nullable String firstError) {
    /** Completed handshakes per second. */
    public double perSecond() {
        return seconds == 0 ? 0 : Math.round(open.size() / seconds * 10) / 10.0;
    }
}
