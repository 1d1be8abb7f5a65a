/**
 * The {@code state-dir} journal: accepted connections recorded in an embedded SQLite database by
 * one writer thread, so that a node restarted after a crash can invoke the cleanups it still owes.
 */
@NullMarked
package dev.switchboard.server.internal.journal;

import org.jspecify.annotations.NullMarked;
