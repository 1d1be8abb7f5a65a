package dev.switchboard.core.config;

import java.util.Optional;

/**
 * The event format of a route ({@code routes[].dialect} in YAML) with the settings only that
 * format has: {@link TencentDialectConfig} (the default) or {@link AwsDialectConfig}. A new
 * dialect is one more record here, and the compiler then names every place that has to learn it.
 */
public sealed interface DialectConfig permits TencentDialectConfig, AwsDialectConfig {
    /** The dialect's name in YAML: {@code tencent} or {@code aws}. */
    String name();

    /** What a failed message function does to a connection when the route does not say. */
    OnTransferError defaultOnTransferError();

    /** What a binary message from a client does when the route does not say. */
    BinaryFrames defaultBinaryFrames();

    /**
     * The limits of the cloud gateway this dialect stands in for, which replace the node's
     * {@code limits} as the defaults of the route's own; empty to keep the node's.
     */
    Optional<ConnectionLimits> cloudLimits();
}
