/**
 * Logback converters of the human log format that escape what a peer could have put in a line
 * (a path, a query, a header), so no peer can forge or split a log line.
 */
@NullMarked
package dev.switchboard.app.logging;

import org.jspecify.annotations.NullMarked;
