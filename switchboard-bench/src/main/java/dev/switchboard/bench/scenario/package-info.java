/** The scenarios: each starts its servers as child JVMs, drives load from this JVM and reports. */
@NullMarked
package dev.switchboard.bench.scenario;

import org.jspecify.annotations.NullMarked;
