package jp.kurashi.core.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One address or CIDR block ({@code 10.0.0.0/8}, {@code 192.0.2.7}, {@code fd00::/8}). Parsing never looks a
 * name up in DNS: only address literals are accepted.
 */
public record IpRange(byte[] network, int prefix) {

  private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

  /** {@code 10.0.0.0/8} or a single address; {@link IllegalArgumentException} when it is neither. */
  public static IpRange parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    String host = slash < 0 ? t : t.substring(0, slash);
    byte[] address = literal(host).orElseThrow(() -> new IllegalArgumentException("not an IP address: " + text))
        .getAddress();
    int bits = address.length * 8;
    int prefix = bits;
    if (slash >= 0) {
      String p = t.substring(slash + 1);
      if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
        throw new IllegalArgumentException("not a prefix length: " + text);
      }
      prefix = Integer.parseInt(p);
    }
    return new IpRange(mask(address, prefix), prefix);
  }

  /** The address of a literal such as {@code 192.0.2.7} or {@code 2001:db8::1}, IPv4-mapped IPv6 as IPv4. */
  public static Optional<InetAddress> literal(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String t = text.trim();
    if (IPV4.matcher(t).matches() || (t.indexOf(':') >= 0 && IPV6.matcher(t).matches())) {
      try {
        // A literal of these characters only: getByName parses it without any lookup.
        return Optional.of(InetAddress.getByName(t));
      } catch (UnknownHostException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    return bytes.length == network.length && java.util.Arrays.equals(mask(bytes, prefix), network);
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] out = address.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - i * 8));
      out[i] = (byte) (out[i] & (0xFF << (8 - keep)));
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IpRange r && r.prefix == prefix && java.util.Arrays.equals(r.network, network);
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(network) * 31 + prefix;
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
    } catch (UnknownHostException e) {
      return "?/" + prefix;
    }
  }
}
