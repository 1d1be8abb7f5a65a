package dev.switchboard.tests;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A TCP proxy on a free loopback port, standing for the network (or a load balancer) between
 * clients and gateways: {@link #cutAll} resets every connection it carries on both sides at once
 * (RST, no close frame), as a dead Wi-Fi or a crashed middlebox does, and {@link #forwardTo}
 * sends new connections to another node.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final List<Socket[]> pairs = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "tcp-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private volatile int upstreamPort;

    private TcpProxy(ServerSocket server, int upstreamPort) {
        this.server = server;
        this.upstreamPort = upstreamPort;
    }

    /** Starts forwarding to {@code 127.0.0.1:upstreamPort}. */
    static TcpProxy to(int upstreamPort) {
        try {
            ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
            TcpProxy proxy = new TcpProxy(server, upstreamPort);
            proxy.threads.execute(proxy::accept);
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** New connections go to {@code port} from now on; open ones stay where they are. */
    void forwardTo(int port) {
        this.upstreamPort = port;
    }

    /** Resets every open connection on both sides. */
    void cutAll() {
        for (Socket[] pair : pairs) {
            reset(pair[0]);
            reset(pair[1]);
            pairs.remove(pair);
        }
    }

    /** Connections carried now. */
    int open() {
        return pairs.size();
    }

    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
                } catch (IOException e) {
                    reset(client);
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Socket[] pair = {client, upstream};
                pairs.add(pair);
                threads.execute(() -> pump(pair, client, upstream));
                threads.execute(() -> pump(pair, upstream, client));
            } catch (IOException e) {
                // closed, or the upstream refused: the client sees its socket close
            }
        }
    }

    private void pump(Socket[] pair, Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // one side went away: take the other one down the same way
            if (pairs.remove(pair)) {
                reset(pair[0]);
                reset(pair[1]);
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        cutAll();
        threads.shutdownNow();
    }
}
