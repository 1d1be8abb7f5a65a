/** The cluster backplane on Redis (standalone, Sentinel or Redis Cluster) through Lettuce. */
@NullMarked
package dev.switchboard.redis;

import org.jspecify.annotations.NullMarked;
