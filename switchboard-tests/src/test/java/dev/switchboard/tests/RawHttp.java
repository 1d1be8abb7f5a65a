package dev.switchboard.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 connection over a plain socket, for requests the JDK's client refuses to send
 * (bad escapes, forged {@code Host}, repeated {@code Content-Length}, half-sent requests).
 */
final class RawHttp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;

    /** An answer: status, the raw head and the body. */
    record Answer(int status, String head, String body) {
        @Nullable
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    RawHttp(int port, int timeoutMillis) {
        try {
            this.socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(timeoutMillis);
            this.in = socket.getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} as they are. */
    RawHttp write(byte[] bytes) throws IOException {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return this;
    }

    /** Writes {@code text} as ISO-8859-1, byte for char. */
    RawHttp write(String text) throws IOException {
        return write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one answer; an {@link IOException} when the connection ends or times out first. */
    Answer read() throws IOException {
        String head = readHead();
        int space = head.indexOf(' ');
        int status = Integer.parseInt(head.substring(space + 1, space + 4));
        Answer headOnly = new Answer(status, head, "");
        String length = headOnly.header("Content-Length");
        byte[] body = in.readNBytes(length == null ? 0 : Integer.parseInt(length));
        return new Answer(status, head, new String(body, StandardCharsets.UTF_8));
    }

    /** True when the server closes (or resets) the connection within the socket's timeout. */
    boolean closedByServer() {
        try {
            while (in.read() >= 0) {
                // drain what is left of an answer
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + head.size() + " bytes of the answer: " + head);
            }
            head.write(b);
            matched = (b == '\r' && (matched == 0 || matched == 2)) || (b == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1
                    : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
