package dev.switchboard.tests;

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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP function on a raw socket that answers every request with keep-alive, except requests
 * whose body contains {@link #MARKER}: to those it does the {@link Fault} it was started with,
 * such as cutting or resetting the connection in the middle of the response. It counts every
 * request by its {@code X-Switchboard-Request-Id}, so a test can tell whether a call was made
 * twice.
 */
final class CuttingFunctionServer implements AutoCloseable {
    /** A request body containing this gets the fault. */
    static final String MARKER = "please-cut";

    private static final String ANSWER =
            "{\"errNo\":0,\"errMsg\":\"ok\",\"reply\":{\"dataType\":\"text\",\"data\":\"ok\"}}";

    /** Where the connection ends, for a request that gets the fault. */
    enum Fault {
        /** Read the request, then close without a byte of response. */
        CLOSE_AFTER_REQUEST,
        /** Read the request, then reset the connection (RST). */
        RESET_AFTER_REQUEST,
        /** Close in the middle of the status line. */
        CLOSE_IN_STATUS_LINE,
        /** Close in the middle of the headers. */
        CLOSE_IN_HEADERS,
        /** Close after half of a body announced by Content-Length. */
        CLOSE_IN_BODY,
        /** Reset after half of a body announced by Content-Length. */
        RESET_IN_BODY
    }

    private final ServerSocket server;
    private final Fault fault;
    private final String extraHeaders;
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();
    private final AtomicInteger connections = new AtomicInteger();

    private CuttingFunctionServer(ServerSocket server, Fault fault, String extraHeaders) {
        this.server = server;
        this.fault = fault;
        this.extraHeaders = extraHeaders;
    }

    static CuttingFunctionServer start(Fault fault) {
        return start(fault, "");
    }

    /** Starts a function whose responses carry {@code extraHeaders} (each line ending in CRLF). */
    static CuttingFunctionServer start(Fault fault, String extraHeaders) {
        try {
            CuttingFunctionServer function = new CuttingFunctionServer(
                    new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), fault, extraHeaders);
            Thread acceptor = new Thread(function::accept, "cutting-function");
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

    /** How many times the call with {@code requestId} arrived. */
    int arrivals(String requestId) {
        AtomicInteger count = requests.get(requestId);
        return count == null ? 0 : count.get();
    }

    /** Every request id seen with the number of times it arrived. */
    Map<String, Integer> arrivals() {
        Map<String, Integer> copy = new ConcurrentHashMap<>();
        requests.forEach((id, count) -> copy.put(id, count.get()));
        return copy;
    }

    /** Connections the gateway opened to this function. */
    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread connection = new Thread(() -> serve(socket), "cutting-function-connection");
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
            while (true) {
                Request request = Request.read(in);
                if (request == null) {
                    return;
                }
                requests.computeIfAbsent(request.id(), id -> new AtomicInteger())
                        .incrementAndGet();
                if (!request.body().contains(MARKER)) {
                    out.write(response(ANSWER.length()).getBytes(StandardCharsets.US_ASCII));
                    out.write(ANSWER.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    continue;
                }
                misbehave(socket, out);
                return;
            }
        } catch (IOException e) {
            // the gateway closed the connection
        }
    }

    private void misbehave(Socket socket, OutputStream out) throws IOException {
        String head = response(ANSWER.length());
        String partial = switch (fault) {
            case CLOSE_AFTER_REQUEST, RESET_AFTER_REQUEST -> "";
            case CLOSE_IN_STATUS_LINE -> head.substring(0, 11);
            case CLOSE_IN_HEADERS -> head.substring(0, head.indexOf("Content-Length") + 9);
            case CLOSE_IN_BODY, RESET_IN_BODY -> head + ANSWER.substring(0, ANSWER.length() / 2);
        };
        out.write(partial.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        if (fault == Fault.RESET_AFTER_REQUEST || fault == Fault.RESET_IN_BODY) {
            socket.setSoLinger(true, 0);
        }
    }

    private String response(int length) {
        return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + extraHeaders + "Content-Length: " + length
                + "\r\n\r\n";
    }

    private record Request(String id, String body) {
        /** The next request on the connection, or null when the gateway closed it. */
        static Request read(InputStream in) throws IOException {
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return null;
                }
                head.append((char) b);
            }
            int length = 0;
            String id = "";
            for (String line : head.toString().split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                } else if (lower.startsWith("x-switchboard-request-id:")) {
                    id = line.substring(25).trim();
                }
            }
            return new Request(id, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
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
