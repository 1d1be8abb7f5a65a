package dev.switchboard.adversarial;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A WebSocket client on a plain {@link Socket} that writes whatever bytes it is given and reads
 * the server's answer a whole message at a time, inflating permessage-deflate replies.
 */
final class FrameClient implements AutoCloseable {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /** What the server sent: a data message, a pong, a close frame, or the end of the stream. */
    sealed interface Received {
        record Data(int opcode, byte[] payload) implements Received {}

        record Pong(byte[] payload) implements Received {}

        record Close(int code) implements Received {}

        /** The server ended the TCP connection (FIN or reset) without a close frame first. */
        record End() implements Received {}

        /** Nothing came within the read timeout. */
        record Silence() implements Received {}
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final boolean deflate;
    private final Inflater inflater = new Inflater(true);

    private FrameClient(Socket socket, boolean deflate) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.deflate = deflate;
    }

    /**
     * Opens a connection and upgrades it on {@code pathAndQuery}, offering permessage-deflate when
     * asked; fails unless the answer is 101 with the right accept key.
     */
    static FrameClient open(int port, String pathAndQuery, boolean offerDeflate, Duration readTimeout) {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) readTimeout.toMillis());
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            String key = Base64.getEncoder().encodeToString(nonce);
            String request = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                    + "\r\nSec-WebSocket-Version: 13\r\n"
                    + (offerDeflate ? "Sec-WebSocket-Extensions: permessage-deflate\r\n" : "") + "\r\n";
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String head = readHead(new DataInputStream(socket.getInputStream()));
            if (!head.startsWith("HTTP/1.1 101") || !head.contains(acceptKey(key))) {
                socket.close();
                throw new IllegalStateException("upgrade refused: " + head);
            }
            boolean deflate = head.toLowerCase(Locale.ROOT).contains("permessage-deflate");
            return new FrameClient(socket, deflate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the server accepted permessage-deflate. */
    boolean deflate() {
        return deflate;
    }

    /** Writes {@code bytes}; false when the server has already closed or reset the connection. */
    boolean write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the next message, pong or close frame from the server. */
    Received read() {
        try {
            ByteArrayOutputStream message = new ByteArrayOutputStream();
            int messageOpcode = -1;
            boolean compressed = false;
            while (true) {
                int first = in.readUnsignedByte();
                int second = in.readUnsignedByte();
                long length = second & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    length = in.readLong();
                }
                byte[] payload = in.readNBytes(Math.toIntExact(length));
                if (payload.length < length) {
                    return new Received.End();
                }
                int opcode = first & 0x0F;
                switch (opcode) {
                    case Frames.PONG -> {
                        return new Received.Pong(payload);
                    }
                    case Frames.CLOSE -> {
                        return new Received.Close(Frames.closeCode(payload));
                    }
                    case Frames.PING -> {
                        continue; // the gateway's own keep-alive ping; its interval is longer than any case
                    }
                    default -> {
                        if (opcode != Frames.CONTINUATION) {
                            messageOpcode = opcode;
                            compressed = (first & 0x40) != 0;
                        }
                        message.writeBytes(payload);
                    }
                }
                if ((first & 0x80) != 0) {
                    byte[] bytes = message.toByteArray();
                    return new Received.Data(messageOpcode, compressed ? inflate(bytes) : bytes);
                }
            }
        } catch (SocketTimeoutException e) {
            return new Received.Silence();
        } catch (EOFException | SocketException e) {
            return new Received.End();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] inflate(byte[] compressed) {
        byte[] input = new byte[compressed.length + 4];
        System.arraycopy(compressed, 0, input, 0, compressed.length);
        System.arraycopy(Frames.deflateTail(), 0, input, compressed.length, 4);
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[16 * 1024];
        try {
            while (!inflater.needsInput()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && inflater.needsInput()) {
                    break;
                }
                out.write(buffer, 0, n);
            }
        } catch (DataFormatException e) {
            throw new IllegalStateException("the gateway sent a compressed message that does not inflate", e);
        }
        return out.toByteArray();
    }

    /** Drops the connection with a TCP reset. */
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
        inflater.end();
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    /** The status line and headers of the upgrade answer, read up to the empty line that ends them. */
    private static String readHead(DataInputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the gateway closed the connection during the upgrade answer: " + head);
            }
            if (b != '\n') {
                line.append((char) b);
                continue;
            }
            if (line.toString().strip().isEmpty()) {
                return head.toString();
            }
            head.append(line).append('\n');
            line.setLength(0);
        }
    }

    private static String acceptKey(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
