package dev.switchboard.server.internal.tls;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.TlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of TLS on one listener ({@code tls} or {@code push.tls}): the current
 * {@link SslContext}, built from the PEM files, in an {@link AtomicReference} the channel
 * initializer reads for every new connection. {@link #reload} replaces it; connections already
 * open keep the engine, and so the certificate, they were made with.
 *
 * <p>Uses OpenSSL (BoringSSL from netty-tcnative) when it loads on this platform, else the JDK's
 * provider. Loading reads files: call it from a thread of its own, never from an event loop.
 */
public final class ServerTls {
    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    private final String key;
    private final TlsConfig config;
    private final long handshakeTimeoutMillis;
    private final AtomicReference<SslContext> context;
    private FileStamps loaded;

    private ServerTls(String key, TlsConfig config, long handshakeTimeoutMillis, Loaded first) {
        this.key = key;
        this.config = config;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.context = new AtomicReference<>(first.context);
        this.loaded = first.stamps;
    }

    /**
     * Loads the certificate and key of {@code config}.
     *
     * @param key the config key, {@code tls} or {@code push.tls}, for messages
     * @param handshakeTimeoutMillis how long a client may take over the TLS handshake
     * @throws ConfigException naming {@code key} when the files cannot be read, are not PEM, or
     *     the key does not belong to the certificate
     */
    public static ServerTls load(String key, TlsConfig config, long handshakeTimeoutMillis) {
        FileStamps stamps = FileStamps.of(config);
        Loaded first;
        try {
            first = build(config, stamps);
        } catch (TlsLoadException e) {
            throw new ConfigException(key + ": " + e.getMessage());
        }
        log.info("{}: serving {} with {}", key, first.describe(), provider());
        return new ServerTls(key, config, handshakeTimeoutMillis, first);
    }

    /** A handler for a new connection, with the current certificate. */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        SslHandler handler = context.get().newHandler(alloc);
        handler.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
        return handler;
    }

    /** The config key this listener's TLS comes from. */
    public String key() {
        return key;
    }

    /** How often the watcher compares the files' modification times. */
    TlsConfig config() {
        return config;
    }

    /** True when the certificate or key file changed since the last (attempted) load. */
    synchronized boolean filesChanged() {
        return !FileStamps.of(config).equals(loaded);
    }

    /**
     * Loads the files again and, if they hold a usable certificate and key, serves new
     * connections with them. A failed load keeps the current certificate and is logged.
     *
     * @return true when the certificate was replaced
     */
    public synchronized boolean reload() {
        FileStamps stamps = FileStamps.of(config);
        // remembered even when the load fails: a half-written pair is retried when the next file
        // lands, not logged again at every check
        loaded = stamps;
        try {
            Loaded next = build(config, stamps);
            context.set(next.context);
            log.info("{}: reloaded, new connections get {}", key, next.describe());
            return true;
        } catch (TlsLoadException e) {
            log.error("{}: not reloaded, still serving the previous certificate: {}", key, e.getMessage());
            return false;
        }
    }

    private static Loaded build(TlsConfig config, FileStamps stamps) {
        X509Certificate leaf = leafCertificate(config.cert());
        if (!Files.isReadable(config.key())) {
            throw new TlsLoadException("key: " + config.key() + " cannot be read"
                    + (Files.exists(config.key()) ? " (permission denied)" : " (no such file)"));
        }
        SslContext context;
        try {
            context = SslContextBuilder.forServer(
                            config.cert().toFile(), config.key().toFile())
                    .sslProvider(provider())
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new TlsLoadException(config.cert() + " and " + config.key()
                    + " are not a usable PEM certificate and PKCS#8 key (" + rootMessage(e) + ")");
        }
        KeyPairCheck.verify(context, config);
        return new Loaded(context, leaf, stamps);
    }

    private static X509Certificate leafCertificate(Path file) {
        if (!Files.isReadable(file)) {
            throw new TlsLoadException("cert: " + file + " cannot be read"
                    + (Files.exists(file) ? " (permission denied)" : " (no such file)"));
        }
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new TlsLoadException("cert: " + file + " holds no PEM certificate (" + rootMessage(e) + ")");
        }
    }

    static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private record Loaded(SslContext context, X509Certificate leaf, FileStamps stamps) {
        String describe() {
            return "'" + leaf.getSubjectX500Principal().getName() + "' (serial "
                    + leaf.getSerialNumber().toString(16) + ", valid until "
                    + leaf.getNotAfter().toInstant() + ")";
        }
    }

    /**
     * What the watcher compares: each file's modification time, size and identity (a file
     * replaced by a rename is another inode, even within the same clock tick).
     */
    private record FileStamps(
            @Nullable Stamp cert, @Nullable Stamp key) {
        static FileStamps of(TlsConfig config) {
            return new FileStamps(Stamp.of(config.cert()), Stamp.of(config.key()));
        }
    }

    private record Stamp(
            FileTime modified, long size, @Nullable Object fileKey) {
        static @Nullable Stamp of(Path file) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
            } catch (IOException e) {
                return null; // missing for now: a change once it is back
            }
        }
    }

    /** A certificate or key that cannot be served; the message names the file and the reason. */
    static final class TlsLoadException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TlsLoadException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return key + " (" + config.cert() + ", " + config.key() + ")";
    }
}
