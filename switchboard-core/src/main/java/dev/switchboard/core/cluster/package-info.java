/**
 * The cluster SPI: what a node tells the shared backplane (connections, memberships, heartbeats)
 * and how nodes reach each other (forwarded push commands). Single-node mode has no backplane.
 */
@NullMarked
package dev.switchboard.core.cluster;

import org.jspecify.annotations.NullMarked;
