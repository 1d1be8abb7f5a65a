package dev.switchboard.server.internal.tls;

import dev.switchboard.core.config.TlsConfig;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Proves that a server context can complete a handshake, before it serves anyone: neither the
 * JDK nor OpenSSL checks that the key belongs to the certificate when the context is built, and a
 * wrong pair would fail every new connection. The check is an in-memory handshake with a JDK
 * client, in which the server signs with its key and the client verifies that signature with the
 * certificate's public key before it finishes. The chain is not validated here (that is the clients' business).
 */
final class KeyPairCheck {
    private static final int MAX_ROUNDS = 64;

    private KeyPairCheck() {}

    static void verify(SslContext server, TlsConfig config) {
        SSLEngine serverEngine = server.newEngine(ByteBufAllocator.DEFAULT);
        SSLEngine clientEngine;
        try {
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, new TrustManager[] {new AnyCertificate()}, null);
            clientEngine = client.createSSLEngine("switchboard-self-check", 443);
            clientEngine.setUseClientMode(true);
        } catch (GeneralSecurityException e) {
            ReferenceCountUtil.release(serverEngine);
            throw new ServerTls.TlsLoadException("the JDK's TLS client is not available (" + e + ")");
        }
        try {
            handshake(clientEngine, serverEngine);
        } catch (SSLException | RuntimeException e) {
            throw new ServerTls.TlsLoadException("key: " + config.key() + " does not belong to the certificate in "
                    + config.cert() + " (a test handshake failed: " + ServerTls.rootMessage(e) + ")");
        } finally {
            clientEngine.closeOutbound();
            serverEngine.closeOutbound();
            ReferenceCountUtil.release(serverEngine);
        }
    }

    private static void handshake(SSLEngine client, SSLEngine server) throws SSLException {
        int packet = Math.max(
                client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        int application = Math.max(
                client.getSession().getApplicationBufferSize(),
                server.getSession().getApplicationBufferSize());
        ByteBuffer toServer = ByteBuffer.allocate(packet * 4);
        ByteBuffer toClient = ByteBuffer.allocate(packet * 4);
        ByteBuffer sink = ByteBuffer.allocate(application);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            step(client, toClient, toServer, sink);
            step(server, toServer, toClient, sink);
            // the client finishes only after verifying the server's signature with the
            // certificate's key; whether the server has read the client's last message yet
            // proves nothing more (and OpenSSL reports it late)
            if (done(client)) {
                return;
            }
        }
        throw new SSLException("no handshake after " + MAX_ROUNDS + " rounds");
    }

    /**
     * Lets {@code engine} read what the other side wrote to {@code in} and write its answer to
     * {@code out}. Both buffers are left ready for writing.
     */
    private static void step(SSLEngine engine, ByteBuffer in, ByteBuffer out, ByteBuffer sink) throws SSLException {
        in.flip();
        while (in.hasRemaining()) {
            sink.clear();
            if (engine.unwrap(in, sink).bytesConsumed() == 0) {
                break;
            }
            runTasks(engine);
        }
        in.compact();
        while (engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            if (engine.wrap(ByteBuffer.allocate(0), out).bytesProduced() == 0) {
                break;
            }
            runTasks(engine);
        }
        runTasks(engine);
    }

    private static void runTasks(SSLEngine engine) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
            task.run();
        }
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    /** Accepts any chain: only the key's signature is being checked. */
    private static final class AnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
