package dev.switchboard.runtimes.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

    @Test
    void noFailureMeansNoWait() {
        assertThat(backoff.delay(0)).isZero();
    }

    @Test
    void doublesFromTheFirstDelay() {
        assertThat(backoff.delay(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(backoff.delay(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(backoff.delay(4)).isEqualTo(Duration.ofMillis(800));
    }

    @Test
    void staysAtTheMaximumHoweverManyFailures() {
        assertThat(backoff.delay(8)).isEqualTo(Duration.ofSeconds(10));
        assertThat(backoff.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10));
    }
}
