package dev.switchboard.bench.report;

/**
 * One measured run: a load against one server.
 *
 * @param name what ran, e.g. {@code gateway in-process echo}
 * @param server the server measured ({@code gateway}, {@code raw-netty}, {@code stub-direct}, …)
 * @param connections client connections open during the measurement
 * @param payloadBytes message payload size
 * @param targetRate the offered rate in operations/s, or 0 for as fast as the server answers
 * @param seconds length of the measurement window (warm-up excluded)
 * @param operations operations completed and verified in the window (echoes matching what was
 *     sent, frames matching what was pushed, handshakes completed)
 * @param perSecond operations / seconds
 * @param mismatched answers that did not match what was sent (never counted as operations)
 * @param errors failed connects, failed requests, closed connections
 * @param latency latency of the counted operations
 * @param serverCpuMicrosPerOp CPU time (user + system) the server under test used in the window,
 *     in microseconds per counted operation; NaN when not measured
 * @param serverMemoryBytes the server's memory at the end of the window, as the PSS of its
 *     processes (see {@code ProcessMemory}); -1 when not measured
 */
public record RunResult(
        String name,
        String server,
        int connections,
        int payloadBytes,
        double targetRate,
        double seconds,
        long operations,
        double perSecond,
        long mismatched,
        long errors,
        Latency latency,
        double serverCpuMicrosPerOp,
        long serverMemoryBytes) {}
