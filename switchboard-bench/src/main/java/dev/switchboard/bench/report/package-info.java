/** Results: the machine a run happened on, the figures, JSON and markdown output. */
@NullMarked
package dev.switchboard.bench.report;

import org.jspecify.annotations.NullMarked;
