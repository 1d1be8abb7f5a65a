/** Functions that ship with Switchboard, such as the echo of the embedded default route. */
@NullMarked
package dev.switchboard.runtimes.java.builtin;

import org.jspecify.annotations.NullMarked;
