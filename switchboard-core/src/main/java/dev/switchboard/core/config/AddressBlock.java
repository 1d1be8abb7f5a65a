package dev.switchboard.core.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A block of IP addresses in CIDR notation ({@code 10.0.0.0/8}, {@code fd00::/8}) or one address
 * ({@code 127.0.0.1}), as {@code limits.trusted-proxies} lists them.
 */
public record AddressBlock(byte[] network, int prefixBits, String text) {
    /** Address literals only: a host name here would mean a DNS lookup at every start. */
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");

    public AddressBlock {
        network = network.clone();
    }

    /** Parses {@code text}; the message of the exception says what is wrong with it. */
    public static AddressBlock parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = literal(slash < 0 ? text : text.substring(0, slash));
        if (address == null) {
            throw new IllegalArgumentException(
                    "'" + text + "' (expected: an IP address or a CIDR block, e.g. 10.0.0.0/8)");
        }
        byte[] bytes = address.getAddress();
        int bits = bytes.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > bytes.length * 8) {
                throw new IllegalArgumentException(
                        "'" + text + "' (expected: a prefix length from 0 to " + bytes.length * 8 + ")");
            }
        }
        return new AddressBlock(mask(bytes, bits), bits, text);
    }

    /**
     * {@code text} as an address when it is an IP address literal (IPv6 may be in brackets), as
     * proxies write them in {@code X-Forwarded-For}; null otherwise. Never a DNS lookup.
     */
    public static @Nullable InetAddress literal(String text) {
        String address = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (!LITERAL.matcher(address).matches() || (!address.contains(".") && !address.contains(":"))) {
            return null;
        }
        try {
            return InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether {@code address} lies in this block (an IPv4 block never holds an IPv6 address). */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == network.length && Arrays.equals(mask(bytes, prefixBits), network);
    }

    private static byte[] mask(byte[] bytes, int bits) {
        byte[] masked = bytes.clone();
        for (int i = 0; i < masked.length; i++) {
            int keep = Math.max(0, Math.min(8, bits - i * 8));
            masked[i] &= (byte) (0xFF << (8 - keep));
        }
        return masked;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AddressBlock block
                && block.prefixBits == prefixBits
                && Arrays.equals(block.network, network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixBits;
    }

    @Override
    public String toString() {
        return text;
    }
}
