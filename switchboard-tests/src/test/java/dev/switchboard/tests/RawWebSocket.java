package dev.switchboard.tests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A WebSocket client written against RFC 6455 directly on a {@link Socket}, so a test can send
 * bytes no WebSocket library would produce: frames are built bit by bit with {@link #frame}, and
 * the server's frames and HTTP answers are read as raw bytes.
 */
final class RawWebSocket implements AutoCloseable {
    static final int TEXT = 0x1;
    static final int BINARY = 0x2;
    static final int CONTINUATION = 0x0;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private String key = "";

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /** A server frame. */
    record Frame(boolean fin, int opcode, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }

        /** The status code of a close frame, or -1 when it carries none. */
        int closeCode() {
            return payload.length < 2 ? -1 : ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    /** An HTTP answer to a request sent raw. */
    record HttpAnswer(int status, String head, String body) {}

    /** Opens a TCP connection without sending anything. */
    static RawWebSocket connect(int port) {
        try {
            return new RawWebSocket(new Socket("127.0.0.1", port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Connects and completes a real upgrade handshake on {@code path}, checking the accept key. */
    static RawWebSocket open(int port, String path) {
        return startUpgrade(port, path).finishUpgrade();
    }

    /** Connects and sends an upgrade request, without waiting for the answer. */
    static RawWebSocket startUpgrade(int port, String path) {
        RawWebSocket ws = connect(port);
        ws.key = Base64.getEncoder().encodeToString(randomBytes(16));
        ws.write(upgradeRequest(path, ws.key).getBytes(StandardCharsets.US_ASCII));
        return ws;
    }

    /** Reads the answer to {@link #startUpgrade}'s request: 101 with the right accept key. */
    RawWebSocket finishUpgrade() {
        HttpAnswer answer = readHttpHead();
        assertThat(answer.status()).as("upgrade answer: %s", answer.head()).isEqualTo(101);
        assertThat(answer.head()).containsIgnoringCase("Sec-WebSocket-Accept: " + acceptKey(key));
        return this;
    }

    /** A valid upgrade request for {@code path} with {@code key}. */
    static String upgradeRequest(String path, String key) {
        return "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    /**
     * One frame, as the bytes on the wire.
     *
     * @param rsv the three reserved bits, 0-7
     * @param masked whether to mask the payload (clients must)
     */
    static byte[] frame(boolean fin, int rsv, int opcode, boolean masked, byte[] payload) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(payload.length + 14);
        bytes.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | opcode & 0xF);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length <= 125) {
            bytes.write(maskBit | payload.length);
        } else if (payload.length <= 0xFFFF) {
            bytes.write(maskBit | 126);
            bytes.write(payload.length >>> 8);
            bytes.write(payload.length & 0xFF);
        } else {
            bytes.write(maskBit | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                bytes.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        if (!masked) {
            bytes.writeBytes(payload);
            return bytes.toByteArray();
        }
        byte[] mask = randomBytes(4);
        bytes.writeBytes(mask);
        for (int i = 0; i < payload.length; i++) {
            bytes.write(payload[i] ^ mask[i % 4]);
        }
        return bytes.toByteArray();
    }

    /** A final, masked frame without reserved bits: what a well-behaved client sends. */
    static byte[] frame(int opcode, byte[] payload) {
        return frame(true, 0, opcode, true, payload);
    }

    /** A close frame payload: the code, then the reason. */
    static byte[] closePayload(int code, byte[] reason) {
        byte[] payload = new byte[2 + reason.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(reason, 0, payload, 2, reason.length);
        return payload;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes {@code bytes} as they are. */
    RawWebSocket write(byte[]... parts) {
        try {
            for (byte[] part : parts) {
                out.write(part);
            }
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes masked 125-byte pings as fast as the socket takes them, counting the bytes written
     * into {@code written}, until the write fails (the socket was closed) or the thread is
     * interrupted.
     */
    void floodPings(AtomicLong written) {
        byte[] payload = new byte[125];
        Arrays.fill(payload, (byte) 'p');
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        for (int i = 0; i < 500; i++) {
            chunk.writeBytes(frame(PING, payload));
        }
        byte[] pings = chunk.toByteArray();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                write(pings);
                written.addAndGet(pings.length);
            }
        } catch (UncheckedIOException closed) {
            // the gateway closed the socket, or the test did
        }
    }

    /** Reads one frame from the server, which never masks. */
    Frame readFrame() {
        try {
            int first = in.readUnsignedByte();
            int second = in.readUnsignedByte();
            assertThat(second & 0x80).as("server frames are unmasked").isZero();
            long length = second & 0x7F;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            return new Frame((first & 0x80) != 0, first & 0x0F, payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads until the server's close frame and returns its code; then answers it, as a client
     * should, and checks that the server has ended its side of the socket.
     */
    int awaitServerClose() {
        Frame frame;
        do {
            frame = readFrame();
        } while (frame.opcode() != CLOSE);
        int code = frame.closeCode();
        try {
            write(frame(CLOSE, closePayload(code, new byte[0])));
        } catch (UncheckedIOException e) {
            // the server may already have closed the socket: the answer is a courtesy
        }
        assertThat(endOfStream())
                .as("the server ends the socket after its close frame")
                .isTrue();
        return code;
    }

    /** True when the server closed (FIN or reset) before sending anything more, within the read timeout. */
    boolean endOfStream() {
        try {
            return in.read() == -1;
        } catch (SocketException e) {
            return true; // reset
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads one byte, waiting at most {@code timeout}: the byte, -1 at the end of the stream
     * (or a reset), or -2 when nothing came.
     */
    int read(Duration timeout) {
        try {
            socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
            return in.read();
        } catch (SocketTimeoutException e) {
            return -2;
        } catch (SocketException e) {
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            try {
                socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
            } catch (SocketException e) {
                // closed meanwhile
            }
        }
    }

    /** Reads an HTTP response's status line and headers, and its body when it has a length. */
    HttpAnswer readHttpHead() {
        try {
            String head = readHead(in);
            int status = Integer.parseInt(head.substring(9, 12));
            String body = "";
            for (String line : head.split("\r\n")) {
                if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                    byte[] bytes = new byte[Integer.parseInt(line.substring(15).trim())];
                    in.readFully(bytes);
                    body = new String(bytes, StandardCharsets.UTF_8);
                }
            }
            return new HttpAnswer(status, head, body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after " + head.size() + " bytes of HTTP head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : b == '\r' ? 1 : 0;
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** Drops the connection abruptly: SO_LINGER 0 makes the close send a TCP reset. */
    void reset() {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
