package dev.switchboard.server.internal.function;

/**
 * Whether an HTTP function call whose connection closed before a complete response may be sent
 * again. Only a request that provably never reached the function may be: a kept-alive connection
 * found closed before any byte of the request was written to it (the function's server dropped it
 * while it was idle). Once a byte of the request is written, or a byte of a response has arrived,
 * the function may have acted on the event, so the call fails instead; sending it again could make
 * it twice. A refused connection never carried the request at all and is retried by the pool on
 * its own terms, before any connection exists.
 */
final class ResendPolicy {
    private ResendPolicy() {}

    /**
     * True when the call may be sent again on a new connection.
     *
     * @param reusedConnection the connection had carried an earlier call and sat idle in the pool
     * @param sendAttempts how many times this call has been sent, this attempt included
     * @param requestWritten any byte of this attempt's request reached the socket
     * @param responseStarted any byte of a response arrived during this attempt
     */
    static boolean mayResend(
            boolean reusedConnection, int sendAttempts, boolean requestWritten, boolean responseStarted) {
        return reusedConnection && sendAttempts == 1 && !requestWritten && !responseStarted;
    }
}
