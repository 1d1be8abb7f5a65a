/**
 * TLS on the listeners: the server certificate loaded from PEM files, swapped without dropping
 * open connections when the files change or on SIGHUP.
 */
@NullMarked
package dev.switchboard.server.internal.tls;

import org.jspecify.annotations.NullMarked;
