package dev.switchboard.tests;

import dev.switchboard.server.internal.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM beside the runnable jar by {@link LoopErrorTest}: raises an {@link Error} in
 * a task on one of the gateway's own event loop kind, the way a bug in a loop task would. No
 * function or client can raise one there on demand, hence this small driver. Exits 0 if the
 * process is still running 20 s later, which is the failure the test looks for.
 */
public final class LoopErrorMain {
    private LoopErrorMain() {}

    public static void main(String[] args) throws InterruptedException {
        EventLoopGroup loops = Transport.best().newGroup(1, new DefaultThreadFactory("switchboard-loop"));
        loops.next().execute(() -> {
            throw new StackOverflowError("raised by a loop task");
        });
        TimeUnit.SECONDS.sleep(20);
        loops.shutdownGracefully();
        System.exit(0);
    }
}
