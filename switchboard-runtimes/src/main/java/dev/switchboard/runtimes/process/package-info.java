/**
 * Local process functions: {@code python:file.py[:handler]} and {@code node:file.js[:handler]}
 * targets, each run by a pool of long-lived worker processes.
 *
 * <p>Each worker runs a small shim ({@code worker.py} or {@code worker.js}, shipped as resources
 * and extracted to a private temporary folder) that loads the handler file and then answers one
 * invocation at a time. The shim and the gateway speak JSON lines over a Unix domain socket that
 * the gateway opens for each worker. The protocol does not use the process's stdout: a handler's
 * {@code print}, a library writing to file descriptor 1, or a child process inheriting it can then
 * never corrupt it. The shims route {@code print}/{@code console.log} through the socket as log
 * messages, so handler output reaches the gateway log tagged with the function and the connection
 * it was printed for, in order with the answers; anything written to the descriptors directly is
 * read from the process's stdout and stderr and logged too.
 */
@NullMarked
package dev.switchboard.runtimes.process;

import org.jspecify.annotations.NullMarked;
