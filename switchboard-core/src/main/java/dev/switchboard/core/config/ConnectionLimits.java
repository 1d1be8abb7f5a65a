package dev.switchboard.core.config;

import java.time.Duration;

/**
 * The limits one route's connections live under: the route's own values where it sets them,
 * else its dialect's defaults (the AWS dialect has AWS API Gateway's), else {@code limits:}.
 *
 * @param maxMessageBytes largest message after reassembly; larger closes with 1009
 * @param maxFrameBytes largest single frame; larger closes with 1009
 * @param idleTimeout time without a data message before closing with 1001
 * @param maxLifetime longest a connection stays open before closing with 1001
 */
public record ConnectionLimits(int maxMessageBytes, int maxFrameBytes, Duration idleTimeout, Duration maxLifetime) {}
