/** The gateway node: start it with {@link dev.switchboard.server.Gateway}. */
@NullMarked
package dev.switchboard.server;

import org.jspecify.annotations.NullMarked;
