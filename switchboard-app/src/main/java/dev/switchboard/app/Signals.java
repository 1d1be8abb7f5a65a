package dev.switchboard.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Runs an action on SIGTERM or SIGINT instead of letting the JVM die, so {@code serve} can drain
 * and exit 0. Falls back to a shutdown hook where signals cannot be handled.
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
}
