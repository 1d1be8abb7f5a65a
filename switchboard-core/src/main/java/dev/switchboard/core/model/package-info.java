/** The connection model: ids, messages, close causes and the events functions receive. */
@NullMarked
package dev.switchboard.core.model;

import org.jspecify.annotations.NullMarked;
