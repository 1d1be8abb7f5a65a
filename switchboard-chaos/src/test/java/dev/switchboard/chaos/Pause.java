package dev.switchboard.chaos;

import java.time.Duration;

/** The suite's few sleeps: polling a starting process, and the pacing of the schedule itself. */
final class Pause {
    private Pause() {}

    /** 20 ms, while polling something that offers nothing to await on (a starting process). */
    static void briefly() {
        sleep(Duration.ofMillis(20));
    }

    /** Sleeps {@code duration}; returns false when interrupted. */
    static boolean sleep(Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            return true;
        }
        try {
            Thread.sleep(duration.toMillis());
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
