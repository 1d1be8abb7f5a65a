package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AddressBlockTest {

    private static InetAddress ip(String text) {
        return AddressBlock.literal(text);
    }

    @Test
    void aCidrBlockHoldsItsAddressesAndNoOthers() {
        AddressBlock block = AddressBlock.parse("10.1.0.0/16");
        assertThat(block.contains(ip("10.1.0.1"))).isTrue();
        assertThat(block.contains(ip("10.1.255.255"))).isTrue();
        assertThat(block.contains(ip("10.2.0.1"))).isFalse();
        assertThat(block.contains(ip("::1"))).isFalse();
    }

    @Test
    void oneAddressIsABlockOfOne() {
        AddressBlock block = AddressBlock.parse("127.0.0.1");
        assertThat(block.contains(ip("127.0.0.1"))).isTrue();
        assertThat(block.contains(ip("127.0.0.2"))).isFalse();
    }

    @Test
    void prefixesThatDoNotEndOnAByteBoundaryAndIpv6() {
        assertThat(AddressBlock.parse("192.168.0.0/23").contains(ip("192.168.1.7")))
                .isTrue();
        assertThat(AddressBlock.parse("192.168.0.0/23").contains(ip("192.168.2.7")))
                .isFalse();
        assertThat(AddressBlock.parse("fd00::/8").contains(ip("fd12:3456::1"))).isTrue();
        assertThat(AddressBlock.parse("fd00::/8").contains(ip("fe80::1"))).isFalse();
        assertThat(AddressBlock.parse("0.0.0.0/0").contains(ip("8.8.8.8"))).isTrue();
    }

    @Test
    void hostNamesAndBadPrefixesAreRefusedWithoutALookup() {
        assertThatThrownBy(() -> AddressBlock.parse("proxy.example.com"))
                .hasMessage("'proxy.example.com' (expected: an IP address or a CIDR block, e.g. 10.0.0.0/8)");
        assertThatThrownBy(() -> AddressBlock.parse("10.0.0.0/33"))
                .hasMessage("'10.0.0.0/33' (expected: a prefix length from 0 to 32)");
        assertThat(AddressBlock.literal("[2001:db8::1]")).isEqualTo(ip("2001:db8::1"));
        assertThat(AddressBlock.literal("unknown")).isNull();
        assertThat(AddressBlock.literal("1.2.3.4:5678")).isNull();
    }

    @Test
    void theConfigListsTrustedProxiesAndNamesABadOne() {
        String route = "routes:\n  - path: /echo\n    functions: {transfer: 'http://127.0.0.1:9/t'}\n";
        GatewayConfig config =
                ConfigLoader.parse(route + "limits: {trusted-proxies: [10.0.0.0/8, 127.0.0.1]}\n", Map.of());
        assertThat(config.limits().trustedProxies())
                .containsExactly(AddressBlock.parse("10.0.0.0/8"), AddressBlock.parse("127.0.0.1"));
        assertThatThrownBy(() -> ConfigLoader.parse(route + "limits: {trusted-proxies: [lb.local]}\n", Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("limits.trusted-proxies: 'lb.local' (expected: an IP address or a CIDR block, e.g."
                        + " 10.0.0.0/8)");
    }
}
