package dev.switchboard.server.internal.tls;

import dev.switchboard.core.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The TLS of a node's two listeners, each optional, and the watcher that reloads their files.
 * Built before the listeners bind, so that a bad certificate stops the start with an error that
 * names its key.
 */
public final class TlsListeners implements AutoCloseable {
    private final @Nullable ServerTls client;
    private final @Nullable ServerTls push;
    private final @Nullable CertificateWatcher watcher;

    private TlsListeners(@Nullable ServerTls client, @Nullable ServerTls push) {
        this.client = client;
        this.push = push;
        List<ServerTls> watched = new ArrayList<>();
        if (client != null) {
            watched.add(client);
        }
        if (push != null) {
            watched.add(push);
        }
        this.watcher = watched.isEmpty() ? null : new CertificateWatcher(watched);
    }

    /**
     * Loads the certificates {@code config} names ({@code tls}, {@code push.tls}) and starts
     * watching their files.
     *
     * @throws dev.switchboard.core.config.ConfigException naming the key of a certificate that
     *     cannot be served
     */
    public static TlsListeners load(GatewayConfig config) {
        long handshakeTimeout = config.limits().handshakeTimeout().toMillis();
        ServerTls client = config.tls() == null ? null : ServerTls.load("tls", config.tls(), handshakeTimeout);
        ServerTls push = config.push().tls() == null
                ? null
                : ServerTls.load("push.tls", config.push().tls(), handshakeTimeout);
        return new TlsListeners(client, push);
    }

    /** The client listener's TLS, or null for plain {@code ws://}. */
    public @Nullable ServerTls client() {
        return client;
    }

    /** The push listener's TLS, or null for plain HTTP. */
    public @Nullable ServerTls push() {
        return push;
    }

    /**
     * Reloads every listener's certificate from its files now (what SIGHUP does). A listener
     * whose files do not hold a usable pair keeps its certificate; the failure is logged.
     *
     * @return true when every listener with TLS now serves what its files hold
     */
    public boolean reload() {
        boolean ok = true;
        if (client != null) {
            ok &= client.reload();
        }
        if (push != null) {
            ok &= push.reload();
        }
        return ok;
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
    }
}
