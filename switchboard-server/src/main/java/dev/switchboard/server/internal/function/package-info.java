/** The HTTP function invoker: keep-alive pools on the callers' event loops. */
@NullMarked
package dev.switchboard.server.internal.function;

import org.jspecify.annotations.NullMarked;
