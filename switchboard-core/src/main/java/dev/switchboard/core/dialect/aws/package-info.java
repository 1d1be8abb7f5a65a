/**
 * The AWS API Gateway WebSocket dialect: Lambda-proxy events for {@code $connect}, messages and
 * {@code $disconnect}, route selection by route key (with the expression that
 * {@link dev.switchboard.core.config.AwsDialectConfig} checks and holds), {@code $connect} and
 * route responses, and the environment that tells handlers where the {@code @connections} API
 * is.
 */
@NullMarked
package dev.switchboard.core.dialect.aws;

import org.jspecify.annotations.NullMarked;
