package dev.switchboard.server.internal.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouteCapacityTest {
    @Test
    void takesSlotsUpToTheMaximumAndGivesThemBack() {
        RouteCapacity capacity = new RouteCapacity(2);

        assertThat(capacity.tryAcquire()).isTrue();
        assertThat(capacity.tryAcquire()).isTrue();
        assertThat(capacity.tryAcquire()).isFalse();
        assertThat(capacity.held()).isEqualTo(2);

        capacity.release();
        assertThat(capacity.tryAcquire()).isTrue();
        assertThat(capacity.tryAcquire()).isFalse();
        assertThat(capacity.max()).isEqualTo(2);
    }

    @Test
    void withoutAMaximumEveryConnectionGetsASlot() {
        RouteCapacity capacity = new RouteCapacity(null);

        for (int i = 0; i < 10_000; i++) {
            assertThat(capacity.tryAcquire()).isTrue();
        }
        assertThat(capacity.held()).isEqualTo(10_000);
        assertThat(capacity.max()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void threadsRacingForTheLastSlotsNeverOvershoot() throws Exception {
        int max = 7;
        int threads = 16;
        int rounds = 2_000;
        RouteCapacity capacity = new RouteCapacity(max);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger mostHeldAtOnce = new AtomicInteger();
        CyclicBarrier start = new CyclicBarrier(threads);
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < rounds; i++) {
                        if (capacity.tryAcquire()) {
                            mostHeldAtOnce.accumulateAndGet(holders.incrementAndGet(), Math::max);
                            holders.decrementAndGet();
                            capacity.release();
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                } finally {
                    done.countDown();
                }
            });
            worker.start();
        }
        done.await();

        assertThat(mostHeldAtOnce.get()).isBetween(1, max);
        assertThat(capacity.held()).as("every slot taken was given back").isZero();
        for (int i = 0; i < max; i++) {
            assertThat(capacity.tryAcquire()).isTrue();
        }
        assertThat(capacity.tryAcquire()).isFalse();
    }
}
