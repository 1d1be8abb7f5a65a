package dev.switchboard.server.internal.function;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A function server's {@code Keep-Alive: timeout=N} bounds how long its connections idle in the pool. */
class KeepAliveHintTest {
    @Test
    void aConnectionIdlesUntilOneSecondBeforeTheAnnouncedTimeout() {
        assertThat(KeepAliveHint.idleNanos(headers("timeout=5"))).isEqualTo(TimeUnit.SECONDS.toNanos(4));
        assertThat(KeepAliveHint.idleNanos(headers("max=100, Timeout = 75"))).isEqualTo(TimeUnit.SECONDS.toNanos(74));
    }

    @Test
    void aTimeoutOfOneSecondOrLessMeansTheConnectionIsNotReusedOnceIdle() {
        assertThat(KeepAliveHint.idleNanos(headers("timeout=1"))).isZero();
        assertThat(KeepAliveHint.idleNanos(headers("timeout=0"))).isZero();
        assertThat(KeepAliveHint.idleNanos(headers("timeout=-3"))).isZero();
    }

    @Test
    void noHintOrAnUnreadableOneLeavesTheConnectionUntilTheServerClosesIt() {
        assertThat(KeepAliveHint.idleNanos(new DefaultHttpHeaders())).isEqualTo(KeepAliveHint.UNLIMITED);
        assertThat(KeepAliveHint.idleNanos(headers("max=100"))).isEqualTo(KeepAliveHint.UNLIMITED);
        assertThat(KeepAliveHint.idleNanos(headers("timeout=soon"))).isEqualTo(KeepAliveHint.UNLIMITED);
    }

    private static HttpHeaders headers(String keepAlive) {
        return new DefaultHttpHeaders().set("Keep-Alive", keepAlive);
    }
}
