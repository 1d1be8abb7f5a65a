/** The client endpoint: handshake, frames, per-connection state and the timer sweep. */
@NullMarked
package dev.switchboard.server.internal.client;

import org.jspecify.annotations.NullMarked;
