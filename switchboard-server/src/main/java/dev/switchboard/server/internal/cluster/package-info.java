/** The node's side of cluster mode: callbacks the backplane makes into this node. */
@NullMarked
package dev.switchboard.server.internal.cluster;

import org.jspecify.annotations.NullMarked;
