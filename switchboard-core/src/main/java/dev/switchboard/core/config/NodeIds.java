package dev.switchboard.core.config;

import dev.switchboard.core.model.ConnectionId;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.Locale;

/** Node ids for {@code node-id: auto}: the host name, made id-safe, plus a random suffix. */
final class NodeIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

    private NodeIds() {}

    static String auto() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        String safe = host.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        if (safe.length() > 40) {
            safe = safe.substring(0, 40);
        }
        StringBuilder id = new StringBuilder(safe.isEmpty() ? "node" : safe).append('-');
        for (int i = 0; i < 6; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        String result = id.toString();
        assert ConnectionId.NODE_ID.matcher(result).matches();
        return result;
    }
}
