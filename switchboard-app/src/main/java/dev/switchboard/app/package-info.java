/** The {@code switchboard} command line: wiring, the embedded default, signals. */
@NullMarked
package dev.switchboard.app;

import org.jspecify.annotations.NullMarked;
