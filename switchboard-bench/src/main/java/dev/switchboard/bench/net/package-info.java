/** Netty plumbing shared by the load generator and the servers: transports, source addresses, HTTP. */
@NullMarked
package dev.switchboard.bench.net;

import org.jspecify.annotations.NullMarked;
