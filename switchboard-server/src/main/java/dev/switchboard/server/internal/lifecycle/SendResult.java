package dev.switchboard.server.internal.lifecycle;

/** What became of a message handed to a connection. */
public enum SendResult {
    /** Queued for the client's socket. */
    SENT,
    /** The connection is closed or closing. */
    GONE,
    /** The client is not reading fast enough; the message was not queued. */
    BUFFER_FULL,
    /**
     * A reliable session waiting for its client to resume kept the message: the client gets it
     * when it comes back (or never, if its resume window runs out).
     */
    QUEUED
}
