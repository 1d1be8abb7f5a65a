/** JMH benchmarks of the message hot paths: event encoding, push parsing, transfer replies. */
@NullMarked
package dev.switchboard.bench.jmh;

import org.jspecify.annotations.NullMarked;
