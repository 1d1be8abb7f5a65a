/**
 * Presence: who is in a group, counted per user across the cluster, with a frame to the group's
 * members and a call of the route's presence function when a user's first connection joins and
 * when their last one leaves.
 */
@NullMarked
package dev.switchboard.server.internal.presence;

import org.jspecify.annotations.NullMarked;
