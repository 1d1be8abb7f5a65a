package dev.switchboard.bench.load;

import java.time.Duration;

/**
 * The shape of one load run.
 *
 * @param connections client connections, each with one message in flight
 * @param payloadBytes message size
 * @param warmup how long traffic flows before the measurement window opens
 * @param duration the measurement window
 * @param rate total messages/s to offer, spread evenly over the connections; 0 for as fast as
 *     the answers come back (closed loop)
 * @param threads the load generator's event loops
 * @param sourceAddresses loopback source addresses to spread connections over (0: no bind)
 * @param maxPendingConnects handshakes in flight at once while connecting
 * @param serverPid the process under test, whose CPU time per operation the run reports (0: none)
 */
public record LoadSpec(
        int connections,
        int payloadBytes,
        Duration warmup,
        Duration duration,
        double rate,
        int threads,
        int sourceAddresses,
        int maxPendingConnects,
        long serverPid) {

    /** The same run at {@code newRate} messages/s. */
    public LoadSpec withRate(double newRate) {
        return new LoadSpec(
                connections,
                payloadBytes,
                warmup,
                duration,
                newRate,
                threads,
                sourceAddresses,
                maxPendingConnects,
                serverPid);
    }

    /** The same run with {@code newPayloadBytes}. */
    public LoadSpec withPayload(int newPayloadBytes) {
        return new LoadSpec(
                connections,
                newPayloadBytes,
                warmup,
                duration,
                rate,
                threads,
                sourceAddresses,
                maxPendingConnects,
                serverPid);
    }

    /** The same run's warm-up alone: traffic for {@link #warmup}, with no measurement window after it. */
    public LoadSpec warmupOnly() {
        return new LoadSpec(
                connections,
                payloadBytes,
                warmup,
                Duration.ZERO,
                rate,
                threads,
                sourceAddresses,
                maxPendingConnects,
                serverPid);
    }

    /** The same run against the process {@code pid}, whose CPU time per operation is reported. */
    public LoadSpec against(long pid) {
        return new LoadSpec(
                connections, payloadBytes, warmup, duration, rate, threads, sourceAddresses, maxPendingConnects, pid);
    }

    /** Each connection's period between messages at {@link #rate}, or 0 for closed loop. */
    long periodNanos() {
        return rate <= 0 ? 0 : (long) (1e9 * connections / rate);
    }
}
