package dev.switchboard.core.model;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Connection ids: {@code <nodeId>.<22 url-safe random characters>}. The node id prefix tells
 * any node which node holds the connection, so routing a push needs no lookup; the random part
 * (128 bits) makes ids unguessable. Ids are URL-safe so they can sit in a path.
 *
 * <p>The random part comes from a DRBG (NIST SP 800-90A, seeded by the JDK from the system's
 * entropy source) owned by the calling thread. One shared {@code SecureRandom} would make every
 * event loop queue on the same lock per handshake (the JDK's default {@code NativePRNG} serialises
 * all its instances on one global lock, so even a per-thread instance of it would); a DRBG
 * instance keeps its own state. Each thread draws 256 bytes (16 ids) at a time and hands each
 * byte out once, so a handshake rarely pays for a DRBG call. The ids stay as unguessable as
 * before: every byte is fresh DRBG output, never reused.
 */
public final class ConnectionId {
    /** What a node id may contain: it becomes part of every connection id. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private static final int RANDOM_BYTES = 16;
    private static final int BATCH_BYTES = 16 * RANDOM_BYTES;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final ThreadLocal<RandomBytes> RANDOM = ThreadLocal.withInitial(RandomBytes::new);

    private ConnectionId() {}

    /** A new id for a connection held by {@code nodeId}. */
    public static String generate(String nodeId) {
        return nodeId + '.' + ENCODER.encodeToString(RANDOM.get().next());
    }

    /** The node that holds the connection, or empty when {@code id} is not a Switchboard id. */
    public static Optional<String> nodeOf(String id) {
        int dot = id.indexOf('.');
        return dot > 0 ? Optional.of(id.substring(0, dot)) : Optional.empty();
    }

    /** One thread's DRBG and the unused rest of its last batch; confined to that thread. */
    private static final class RandomBytes {
        private final SecureRandom drbg = newDrbg();
        private final byte[] batch = new byte[BATCH_BYTES];
        private int used = BATCH_BYTES;

        /** The next 16 bytes, given to no one else; the batch keeps no copy of them. */
        byte[] next() {
            if (used == BATCH_BYTES) {
                drbg.nextBytes(batch);
                used = 0;
            }
            byte[] random = Arrays.copyOfRange(batch, used, used + RANDOM_BYTES);
            Arrays.fill(batch, used, used + RANDOM_BYTES, (byte) 0);
            used += RANDOM_BYTES;
            return random;
        }

        private static SecureRandom newDrbg() {
            try {
                return SecureRandom.getInstance("DRBG");
            } catch (NoSuchAlgorithmException e) {
                // every JDK since 9 has DRBG; should one not, its default source is strong too
                return new SecureRandom();
            }
        }
    }
}
