package dev.switchboard.server.internal.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UnfinishedConnectionsTest {
    @Test
    void aDrainReturnsAsSoonAsTheLastConnectionFinishes() throws Exception {
        UnfinishedConnections unfinished = new UnfinishedConnections();
        unfinished.accepted();
        unfinished.accepted();
        CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
            try {
                return unfinished.awaitNone(System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        unfinished.finished();
        assertThat(unfinished.count()).isEqualTo(1);
        assertThat(drained).isNotDone();
        unfinished.finished();

        assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(unfinished.count()).isZero();
    }

    @Test
    void aDrainPastItsDeadlineSaysSo() throws Exception {
        UnfinishedConnections unfinished = new UnfinishedConnections();
        unfinished.accepted();

        assertThat(unfinished.awaitNone(System.nanoTime())).isFalse();
        assertThat(unfinished.count()).isEqualTo(1);
    }

    @Test
    void nothingToWaitForReturnsAtOnce() throws Exception {
        assertThat(new UnfinishedConnections().awaitNone(System.nanoTime())).isTrue();
    }
}
