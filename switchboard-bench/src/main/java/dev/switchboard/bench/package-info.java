/**
 * Benchmarks: {@link dev.switchboard.bench.BenchMain} runs one scenario per command (see
 * {@code BENCHMARKS.md} at the repository root).
 */
@NullMarked
package dev.switchboard.bench;

import org.jspecify.annotations.NullMarked;
