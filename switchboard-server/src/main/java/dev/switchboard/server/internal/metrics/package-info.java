/**
 * Metrics: Micrometer meters for connections, messages, functions and pushes, served as
 * Prometheus text; labels are bounded (route, role, outcome, reason), never a connection id.
 */
@NullMarked
package dev.switchboard.server.internal.metrics;

import org.jspecify.annotations.NullMarked;
