/** Push commands: what a backend asks the gateway to do to a connection. */
@NullMarked
package dev.switchboard.core.push;

import org.jspecify.annotations.NullMarked;
