package dev.switchboard.server.internal.lifecycle;

/**
 * How many accepted connections have not dispatched their cleanup yet: each is counted when
 * accepted and uncounted once the messages it had received are handed on and its cleanup is
 * dispatched. A stopping node waits for none to be left before it waits for the cleanups.
 */
public final class UnfinishedConnections {
    private final Object lock = new Object();
    private int count;

    /** A connection was accepted. */
    public void accepted() {
        synchronized (lock) {
            count++;
        }
    }

    /** A connection dispatched its cleanup (or will never have one). */
    public void finished() {
        synchronized (lock) {
            count--;
            if (count == 0) {
                lock.notifyAll();
            }
        }
    }

    /** Connections not finished yet. */
    public int count() {
        synchronized (lock) {
            return count;
        }
    }

    /**
     * Waits until every counted connection has finished, at most until {@code deadlineNanos}
     * (on {@link System#nanoTime}); false when some were still unfinished then.
     */
    public boolean awaitNone(long deadlineNanos) throws InterruptedException {
        synchronized (lock) {
            while (count > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }
}
