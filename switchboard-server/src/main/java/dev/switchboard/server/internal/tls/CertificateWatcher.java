package dev.switchboard.server.internal.tls;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a listener's certificate when its files change: compares their modification times and
 * sizes every {@code tls.watch-interval} on a thread of its own (reading files never happens on
 * an event loop). Polling, unlike a directory watch, also sees files replaced through symbolic
 * links, as Kubernetes does with mounted secrets.
 */
public final class CertificateWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CertificateWatcher.class);

    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "switchboard-tls-watch");
        thread.setDaemon(true);
        return thread;
    });

    /** Starts watching the files of each of {@code listeners}. */
    public CertificateWatcher(List<ServerTls> listeners) {
        for (ServerTls tls : listeners) {
            long interval = tls.config().watchInterval().toNanos();
            executor.scheduleWithFixedDelay(() -> check(tls), interval, interval, TimeUnit.NANOSECONDS);
        }
    }

    private static void check(ServerTls tls) {
        try {
            if (tls.filesChanged()) {
                tls.reload();
            }
        } catch (RuntimeException e) {
            // a failed check must not cancel the next ones
            log.error("{}: checking the certificate files failed", tls.key(), e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
