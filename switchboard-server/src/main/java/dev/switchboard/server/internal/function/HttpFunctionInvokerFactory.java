package dev.switchboard.server.internal.function;

import dev.switchboard.core.function.FunctionInvoker;
import dev.switchboard.core.function.FunctionInvokerFactory;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.server.internal.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.time.Clock;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Creates invokers for {@code http(s)://} targets, running on the gateway's event loops; with a
 * signing secret ({@link #signedWith}), their calls carry an HMAC signature.
 */
public final class HttpFunctionInvokerFactory implements FunctionInvokerFactory {
    /** Connections per function per event loop; calls beyond wait for a free connection. */
    public static final int MAX_CONNECTIONS_PER_LOOP = 128;
    /** Largest function response read; a larger one fails the call. */
    public static final int MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

    private final EventLoopGroup group;
    private final Transport transport;
    private final @Nullable RequestSigner signer;

    public HttpFunctionInvokerFactory(EventLoopGroup group, Transport transport) {
        this(group, transport, null);
    }

    private HttpFunctionInvokerFactory(EventLoopGroup group, Transport transport, @Nullable RequestSigner signer) {
        this.group = group;
        this.transport = transport;
        this.signer = signer;
    }

    /**
     * A factory whose invokers sign every call with {@code secret} (a route's
     * {@code signing-secret}; see {@link RequestSigner} for the headers), or do not sign when it
     * is null.
     */
    public HttpFunctionInvokerFactory signedWith(@Nullable String secret) {
        return new HttpFunctionInvokerFactory(
                group, transport, secret == null ? null : new RequestSigner(secret, Clock.systemUTC()));
    }

    @Override
    public Optional<FunctionInvoker> create(FunctionTarget target) {
        if (!(target instanceof FunctionTarget.Http http)) {
            return Optional.empty();
        }
        SslContext ssl = null;
        if (http.secure()) {
            try {
                ssl = SslContextBuilder.forClient().build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot set up TLS for " + http.spec() + ": " + e.getMessage(), e);
            }
        }
        return Optional.of(new HttpFunctionInvoker(
                http, group, transport, ssl, MAX_CONNECTIONS_PER_LOOP, MAX_RESPONSE_BYTES, signer));
    }
}
