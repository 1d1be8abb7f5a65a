/**
 * Reliable sessions ({@code switchboard.reliable.v1}): the wire format, the numbered replay
 * buffer and the per-session state that lets a connection outlive its socket. The handshake side
 * (parking, resuming, moving a session between nodes) lives with the client endpoint.
 */
@NullMarked
package dev.switchboard.server.internal.session;

import org.jspecify.annotations.NullMarked;
