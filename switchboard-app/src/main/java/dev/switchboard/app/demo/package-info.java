/**
 * The chat application of {@code switchboard demo}: its in-process functions and, in resources,
 * the single page served at {@code /}.
 */
@NullMarked
package dev.switchboard.app.demo;

import org.jspecify.annotations.NullMarked;
