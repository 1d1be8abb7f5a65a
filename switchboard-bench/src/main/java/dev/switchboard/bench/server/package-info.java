/**
 * The servers a scenario measures, each runnable as its own JVM: the gateway, a raw Netty
 * WebSocket echo server (the reference for the limit) and a stub function server. Each prints
 * {@code READY} on stdout and then answers control lines on stdin ({@link ServerControl}).
 */
@NullMarked
package dev.switchboard.bench.server;

import org.jspecify.annotations.NullMarked;
