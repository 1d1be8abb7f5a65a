/** The push listener: authentication, body limits and the push API. */
@NullMarked
package dev.switchboard.server.internal.push;

import org.jspecify.annotations.NullMarked;
