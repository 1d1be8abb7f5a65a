package dev.switchboard.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs an action on SIGTERM or SIGINT instead of letting the JVM die, so {@code serve} can drain
 * and exit 0. Falls back to a shutdown hook where signals cannot be handled. SIGHUP runs another
 * action (reloading the TLS certificates) instead of ending the process.
 */
final class Signals {
    private static final Logger log = LoggerFactory.getLogger(Signals.class);

    private Signals() {}

    static void onTerminate(Runnable action) {
        try {
            Signal.handle(new Signal("TERM"), signal -> action.run());
            Signal.handle(new Signal("INT"), signal -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.debug("signals not available ({}); using a shutdown hook", e.toString());
            Runtime.getRuntime().addShutdownHook(new Thread(action, "switchboard-shutdown"));
        }
    }

    /**
     * Runs {@code action} on SIGHUP, on a thread of its own (the action may read files and the
     * signal thread must not wait for it). Where SIGHUP cannot be handled, it is logged and
     * ignored: the certificate files are still watched.
     */
    static void onHangup(Runnable action) {
        try {
            Signal.handle(new Signal("HUP"), signal -> {
                Thread thread = new Thread(action, "switchboard-sighup");
                thread.setDaemon(true);
                thread.start();
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // e.g. started under nohup: a signal ignored when the JVM starts cannot be handled
            log.warn(
                    "SIGHUP cannot be handled ({}); TLS certificates reload only when their files change"
                            + " (tls.watch-interval)",
                    e.getMessage());
        }
    }
}
