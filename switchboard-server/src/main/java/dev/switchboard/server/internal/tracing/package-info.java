/**
 * Tracing: OpenTelemetry spans for handshakes, function calls and pushes, and the W3C
 * {@code traceparent} functions receive. Off unless the {@code OTEL_TRACES_EXPORTER} environment
 * variable names an exporter; when off, no span is made and no context is read.
 */
@NullMarked
package dev.switchboard.server.internal.tracing;

import org.jspecify.annotations.NullMarked;
