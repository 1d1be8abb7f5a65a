package dev.switchboard.server.internal.client;

import dev.switchboard.core.config.AddressBlock;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AttributeKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The address a client connects from: the TCP peer, unless the peer is one of
 * {@code limits.trusted-proxies}; then the last address of {@code X-Forwarded-For} that is not a
 * trusted proxy itself (the addresses before it were written by the client and prove nothing).
 * Decided once per handshake and kept on the channel, so the limits, the logs and the events
 * agree.
 */
final class ClientAddress {
    private static final AttributeKey<String> KEY = AttributeKey.valueOf("switchboard.client.address");
    private static final String X_FORWARDED_FOR = "X-Forwarded-For";

    private ClientAddress() {}

    /** Decides the client's address for {@code channel}'s handshake and keeps it on the channel. */
    static String resolve(Channel channel, HttpHeaders headers, List<AddressBlock> trustedProxies) {
        String resolved = decide(channel, headers, trustedProxies);
        channel.attr(KEY).set(resolved);
        return resolved;
    }

    /** The address {@link #resolve} decided, or the TCP peer's. */
    static String of(Channel channel) {
        String resolved = channel.attr(KEY).get();
        return resolved != null ? resolved : peer(channel);
    }

    static String peer(Channel channel) {
        InetAddress address = peerAddress(channel);
        return address != null ? address.getHostAddress() : "unknown";
    }

    private static String decide(Channel channel, HttpHeaders headers, List<AddressBlock> trustedProxies) {
        InetAddress peer = peerAddress(channel);
        if (peer == null || !trusted(peer, trustedProxies)) {
            return peer(channel);
        }
        List<String> values = headers.getAll(X_FORWARDED_FOR);
        for (int v = values.size() - 1; v >= 0; v--) {
            String[] hops = values.get(v).split(",");
            for (int h = hops.length - 1; h >= 0; h--) {
                InetAddress hop = AddressBlock.literal(hops[h].trim());
                if (hop == null) {
                    // a hop that is no address: nothing before it can be trusted, the proxy is the client
                    return peer.getHostAddress();
                }
                if (!trusted(hop, trustedProxies)) {
                    return hop.getHostAddress();
                }
            }
        }
        return peer.getHostAddress();
    }

    private static boolean trusted(InetAddress address, List<AddressBlock> trustedProxies) {
        for (AddressBlock block : trustedProxies) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static @Nullable InetAddress peerAddress(Channel channel) {
        return channel.remoteAddress() instanceof InetSocketAddress address ? address.getAddress() : null;
    }
}
