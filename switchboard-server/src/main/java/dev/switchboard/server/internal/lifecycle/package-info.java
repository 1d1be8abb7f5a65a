/** Routes, the connection registry and cleanup delivery. */
@NullMarked
package dev.switchboard.server.internal.lifecycle;

import org.jspecify.annotations.NullMarked;
