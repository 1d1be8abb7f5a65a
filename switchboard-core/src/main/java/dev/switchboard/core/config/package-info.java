/**
 * Gateway configuration: immutable records, each with a builder, that check their own rules as
 * they are built, so a config made in code is held to the same rules as one read from YAML;
 * {@link dev.switchboard.core.config.GatewayConfig} checks the rules between its parts. A route's
 * event format is a {@link dev.switchboard.core.config.DialectConfig}, sealed over the dialects'
 * own settings. {@link dev.switchboard.core.config.ConfigLoader} only maps YAML onto the builders
 * ({@code SectionReader} for the node-wide sections, {@code RouteReader} for routes). Nothing
 * here imports a dialect: the dialects read their settings from here.
 */
@NullMarked
package dev.switchboard.core.config;

import org.jspecify.annotations.NullMarked;
