/** Gateway configuration: immutable records, YAML loading and validation in one place. */
@NullMarked
package dev.switchboard.core.config;

import org.jspecify.annotations.NullMarked;
