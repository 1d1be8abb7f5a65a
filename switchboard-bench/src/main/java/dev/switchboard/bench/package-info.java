/** Benchmarks: load generator, reference servers and scenarios. */
@NullMarked
package dev.switchboard.bench;

import org.jspecify.annotations.NullMarked;
