/**
 * Test tools that use real sockets: a gateway on free loopback ports, a WebSocket client, a stub
 * HTTP function server and a push client.
 */
@NullMarked
package dev.switchboard.testkit;

import org.jspecify.annotations.NullMarked;
