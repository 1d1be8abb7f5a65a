/** Dialects turn model events into a function's JSON and function responses into decisions. */
@NullMarked
package dev.switchboard.core.dialect;

import org.jspecify.annotations.NullMarked;
