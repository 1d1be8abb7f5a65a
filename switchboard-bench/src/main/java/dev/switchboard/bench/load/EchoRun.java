package dev.switchboard.bench.load;

import dev.switchboard.bench.report.RunResult;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Drives echo traffic over WebSockets against any server that echoes text messages: opens the
 * connections, warms up, measures for a fixed window, drains and closes. Bounded in time.
 */
public final class EchoRun {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    private static final long DRAIN_MILLIS = 5_000;

    private EchoRun() {}

    /** Runs {@code spec} against {@code uri} and reports it as {@code name} / {@code server}. */
    public static RunResult run(String name, String server, URI uri, LoadSpec spec) throws InterruptedException {
        Measurement measurement = new Measurement(spec.serverPid());
        long period = spec.periodNanos();
        WsEchoSession[] sessions = new WsEchoSession[spec.connections()];
        try (WsLoadClient client = new WsLoadClient(uri, spec.threads(), spec.sourceAddresses())) {
            ConnectResult connected =
                    client.connect(0, spec.connections(), spec.maxPendingConnects(), CONNECT_TIMEOUT, index -> {
                        sessions[index] = new WsEchoSession(measurement, index, spec.payloadBytes(), period);
                        return sessions[index];
                    });
            for (int i = 0; i < connected.failed(); i++) {
                measurement.error();
            }
            List<WsConnection> open = connected.open();
            for (WsConnection connection : open) {
                long offset = period == 0 ? 0 : period * connection.index() / spec.connections();
                sessions[connection.index()].begin(offset);
            }
            Thread.sleep(spec.warmup().toMillis());
            measurement.open();
            Thread.sleep(spec.duration().toMillis());
            measurement.close();
            measurement.awaitDrained(DRAIN_MILLIS);
            WsLoadClient.closeAll(open, Duration.ofSeconds(10));
            return measurement.result(name, server, open.size(), spec.payloadBytes(), spec.rate());
        }
    }
}
