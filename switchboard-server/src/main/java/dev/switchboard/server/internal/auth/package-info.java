/**
 * Token auth at connect: reads a JSON Web Token from the upgrade request, verifies it against a
 * route's keys (shared secret, public keys or a JWKS URL) and maps its claims to the connection's
 * user, context and groups.
 */
@NullMarked
package dev.switchboard.server.internal.auth;

import org.jspecify.annotations.NullMarked;
