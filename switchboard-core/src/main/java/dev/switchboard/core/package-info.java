/** Shared vocabulary of Switchboard: error codes and the exception that carries them to the wire. */
@NullMarked
package dev.switchboard.core;

import org.jspecify.annotations.NullMarked;
