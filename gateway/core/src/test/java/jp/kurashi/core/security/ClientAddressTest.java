package jp.kurashi.core.security;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 14, item 11 (TRUSTED_PROXIES): what counts as a trusted proxy. The HTTP side is in the app's TrustedProxiesTest. */
@DisplayName("Trusted proxies")
class ClientAddressTest {

  private static InetAddress ip(String text) {
    return IpRange.literal(text).orElseThrow();
  }

  @Test
  @DisplayName("addresses and CIDR blocks, IPv4 and IPv6, separated by commas or spaces")
  void ranges() {
    ClientAddress a = ClientAddress.trusting("10.0.0.0/8, 192.0.2.7  fd00::/8");
    assertThat(a.trusted()).hasSize(3);
    assertThat(a.trusted().get(0).contains(ip("10.200.3.4"))).isTrue();
    assertThat(a.trusted().get(0).contains(ip("11.0.0.1"))).isFalse();
    assertThat(a.trusted().get(1).contains(ip("192.0.2.7"))).isTrue();
    assertThat(a.trusted().get(1).contains(ip("192.0.2.8"))).isFalse();
    assertThat(a.trusted().get(2).contains(ip("fd12::1"))).isTrue();
    assertThat(a.trusted().get(2).contains(ip("10.0.0.1"))).isFalse();
  }

  @Test
  @DisplayName("anything but an address or block is refused, and never looked up in DNS")
  void garbage() {
    for (String bad : new String[] {"proxy.example.jp", "10.0.0.0/33", "10.0.0", "256.1.1.1", "10.0.0.0/x", "::1/129"}) {
      assertThatThrownBy(() -> ClientAddress.trusting(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
