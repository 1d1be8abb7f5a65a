/**
 * The {@code state-dir} journal: accepted connections recorded in an embedded SQLite database by
 * one writer thread, so that a node restarted after a crash can invoke the cleanups it still owes;
 * and the check at start that the journal holds exactly its last commit, with a mark beside it,
 * before any of it is used.
 */
@NullMarked
package dev.switchboard.server.internal.journal;

import org.jspecify.annotations.NullMarked;
