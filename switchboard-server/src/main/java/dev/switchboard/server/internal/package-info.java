/** Netty plumbing shared by the endpoints: transport selection and JSON HTTP responses. */
@NullMarked
package dev.switchboard.server.internal;

import org.jspecify.annotations.NullMarked;
