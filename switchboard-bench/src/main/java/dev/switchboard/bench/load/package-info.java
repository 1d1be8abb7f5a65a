/**
 * The load generator: many WebSocket (or plain HTTP) client connections on a few event loops,
 * spread over loopback source addresses, driving echo, rate-limited and fan-out traffic and
 * recording latency in HdrHistogram.
 */
@NullMarked
package dev.switchboard.bench.load;

import org.jspecify.annotations.NullMarked;
