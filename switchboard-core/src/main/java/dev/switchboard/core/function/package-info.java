/** The function SPI: targets, invocations, results and the invokers that run them. */
@NullMarked
package dev.switchboard.core.function;

import org.jspecify.annotations.NullMarked;
