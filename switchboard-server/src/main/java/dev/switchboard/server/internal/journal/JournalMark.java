package dev.switchboard.server.internal.journal;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * What the journal's last commit was, as kept in {@value #FILE_NAME} beside the database: the node
 * that wrote it, the database's generation (a random id given when the database was created), the
 * commit's sequence number and the number of records it left. The database keeps its own
 * generation and sequence number; a database behind its mark lost commits.
 *
 * <p>Stored as one line of text with a CRC-32, padded to {@value #SIZE} bytes so that each
 * rewrite covers the previous one exactly.
 */
record JournalMark(String node, String generation, long commit, long records) {
    /** The mark's file inside {@code state-dir}. */
    static final String FILE_NAME = "connections.mark";

    /** Bytes of the file: the line, padded with spaces, and a newline. */
    static final int SIZE = 256;

    private static final String MAGIC = "switchboard-journal-mark 1";

    /** The mark of the next commit, which leaves {@code records}. */
    JournalMark next(long records) {
        return new JournalMark(node, generation, commit + 1, records);
    }

    byte[] encode() {
        String body =
                MAGIC + " node=" + node + " generation=" + generation + " commit=" + commit + " records=" + records;
        String line = body + " crc=" + crc(body);
        byte[] bytes = new byte[SIZE];
        java.util.Arrays.fill(bytes, (byte) ' ');
        byte[] text = line.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(text, 0, bytes, 0, text.length);
        bytes[SIZE - 1] = '\n';
        return bytes;
    }

    /**
     * Reads a mark.
     *
     * @throws IllegalArgumentException when {@code bytes} are not a mark this version wrote, or its
     *     CRC does not match
     */
    static JournalMark decode(byte[] bytes) {
        String line = new String(bytes, StandardCharsets.UTF_8).strip();
        int crcAt = line.lastIndexOf(" crc=");
        if (!line.startsWith(MAGIC + " ") || crcAt < 0) {
            throw new IllegalArgumentException("not a journal mark");
        }
        String body = line.substring(0, crcAt);
        if (!line.substring(crcAt + 5).equals(crc(body))) {
            throw new IllegalArgumentException("its checksum does not match");
        }
        Map<String, String> fields = new HashMap<>();
        for (String field : body.substring(MAGIC.length() + 1).split(" ")) {
            int equals = field.indexOf('=');
            if (equals > 0) {
                fields.put(field.substring(0, equals), field.substring(equals + 1));
            }
        }
        try {
            return new JournalMark(
                    required(fields, "node"),
                    required(fields, "generation"),
                    Long.parseLong(required(fields, "commit")),
                    Long.parseLong(required(fields, "records")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a number is malformed (" + e.getMessage() + ")");
        }
    }

    private static String required(Map<String, String> fields, String name) {
        String value = fields.get(name);
        if (value == null) {
            throw new IllegalArgumentException("no " + name);
        }
        return value;
    }

    private static String crc(String body) {
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().toHexDigits((int) crc.getValue());
    }
}
