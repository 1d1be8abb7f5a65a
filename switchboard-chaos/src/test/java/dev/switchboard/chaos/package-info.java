/**
 * The fault-injection suite: a real {@code redis-server} and three gateway nodes started from the
 * runnable jar, fault proxies between every node and Redis, a workload that runs all the time, a
 * fault schedule generated from a seed, and a checker over the recorded history that holds the
 * cluster to the promises of docs/cluster.md.
 */
@NullMarked
package dev.switchboard.chaos;

import org.jspecify.annotations.NullMarked;
