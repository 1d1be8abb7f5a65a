package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.RouteConfig;
import dev.switchboard.core.function.FunctionTarget;
import dev.switchboard.testkit.TestGateway;
import dev.switchboard.testkit.WsClient;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A function server that resets a keep-alive connection as the gateway reuses it (it closes with
 * the request unread, as servers do when they drop idle connections) must not cost the call: the
 * request is sent again on a new connection.
 */
class FunctionConnectionResetTest {
    private final ResettingFunction function = ResettingFunction.start();
    private TestGateway gateway;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        function.close();
    }

    @Test
    void registrationOnAReusedConnectionThatIsResetIsSentAgain() {
        gateway = TestGateway.start(RouteConfig.builder("/chat")
                .register(FunctionTarget.parse(function.url("/register")))
                .build());

        // clients are spread over the event loops in turn, and each loop has its own pool: with
        // two clients per loop, every loop reuses a connection for its second registration
        int clients = 2 * Runtime.getRuntime().availableProcessors() * 2;
        for (int i = 0; i < clients; i++) {
            try (WsClient client = WsClient.open(gateway.ws("/chat"))) {
                assertThat(client.isOpen()).isTrue();
            }
        }

        assertThat(function.resets.get())
                .as("connections reset as they were reused")
                .isPositive();
    }

    /**
     * Answers the first request on each connection with keep-alive, and resets the connection
     * when a second request arrives on it.
     */
    private static final class ResettingFunction implements AutoCloseable {
        final AtomicInteger resets = new AtomicInteger();
        private final ServerSocket server;

        private ResettingFunction(ServerSocket server) {
            this.server = server;
        }

        static ResettingFunction start() {
            try {
                ResettingFunction function =
                        new ResettingFunction(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
                Thread acceptor = new Thread(function::accept, "resetting-function");
                acceptor.setDaemon(true);
                acceptor.start();
                return function;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String url(String path) {
            return "http://127.0.0.1:" + server.getLocalPort() + path;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    Thread connection = new Thread(() -> serve(socket), "resetting-function-connection");
                    connection.setDaemon(true);
                    connection.start();
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private void serve(Socket socket) {
            try (socket) {
                InputStream in = new BufferedInputStream(socket.getInputStream());
                OutputStream out = socket.getOutputStream();
                readRequest(in);
                byte[] body = "{\"errNo\":0,\"errMsg\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                                + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                if (in.read() >= 0) {
                    // the next request has begun: drop the connection with it unread
                    resets.incrementAndGet();
                    socket.setSoLinger(true, 0);
                }
            } catch (IOException e) {
                // the gateway closed the connection
            }
        }

        private static void readRequest(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("closed");
                }
                head.append((char) b);
            }
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            in.readNBytes(length);
        }

        @Override
        public void close() {
            try {
                server.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }
}
