/** In-process Java functions: {@code java:fully.qualified.Class#method} targets. */
@NullMarked
package dev.switchboard.runtimes.java;

import org.jspecify.annotations.NullMarked;
