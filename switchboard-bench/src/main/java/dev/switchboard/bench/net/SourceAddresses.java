package dev.switchboard.bench.net;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * Local addresses to bind client sockets to, spread over {@code 127.1.0.0/16} (all of
 * {@code 127.0.0.0/8} is the loopback interface on Linux, no setup needed). Each address has its
 * own ephemeral port range (~28,000 ports by default), so {@code count} addresses hold
 * {@code count} times as many connections to one server port.
 */
public final class SourceAddresses {
    private final @Nullable InetSocketAddress[] addresses;

    /** {@code count} addresses from 127.1.0.1 on; 0 means "let the kernel choose" (no bind). */
    public SourceAddresses(int count) {
        if (count < 0 || count > 65_000) {
            throw new IllegalArgumentException("source addresses: " + count + " (expected: 0..65000)");
        }
        addresses = new InetSocketAddress[count];
        for (int i = 0; i < count; i++) {
            int host = i + 1;
            byte[] ip = {127, 1, (byte) (host >> 8), (byte) host};
            try {
                addresses[i] = new InetSocketAddress(InetAddress.getByAddress(ip), 0);
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The address for connection number {@code index}, or null when not binding. */
    public @Nullable InetSocketAddress forConnection(int index) {
        return addresses.length == 0 ? null : addresses[index % addresses.length];
    }

    /** How many addresses are in use. */
    public int count() {
        return addresses.length;
    }
}
