package jp.kurashi.core.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * The network a rate limit counts a client address under: an IPv4 address as it is, an IPv6 address by its /64.
 * A home or mobile line gets a whole /64 and one machine may take any address in it, so counting IPv6 addresses one
 * by one let one resident open as many chats (or try as many logins) as they liked.
 */
public final class ClientNetwork {

  private ClientNetwork() {
  }

  /** {@code 192.0.2.7} for itself; {@code 2001:db8:1:2::/64} for any address of that /64; other text unchanged. */
  public static String of(String address) {
    Optional<InetAddress> ip = IpRange.literal(address);
    if (ip.isEmpty() || !(ip.get() instanceof Inet6Address)) {
      return address;
    }
    byte[] bytes = ip.get().getAddress();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i += 2) {
      out.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
    }
    return out.append(":/64").toString();
  }
}
