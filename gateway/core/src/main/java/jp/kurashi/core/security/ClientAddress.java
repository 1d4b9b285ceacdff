package jp.kurashi.core.security;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place that decides a request's client address (for audit rows, login limits and web chat quotas)
 * and whether it came over TLS. {@code X-Forwarded-For} and {@code X-Forwarded-Proto} count only when the
 * direct peer is one of {@code TRUSTED_PROXIES}; the client is then the right-most forwarded address that is
 * not itself a trusted proxy (what the outermost trusted proxy saw). Anyone else's headers are ignored, so a
 * resident cannot choose the address their quota or an audit row is counted under.
 *
 * <pre>{@code
 * ClientAddress addresses = ClientAddress.trusting("10.0.0.0/8 192.0.2.7");
 * String client = addresses.of(ctx.request());
 * }</pre>
 */
public final class ClientAddress {

  private final List<IpRange> trusted;

  private ClientAddress(List<IpRange> trusted) {
    this.trusted = List.copyOf(trusted);
  }

  /** No proxy is trusted: always the socket's peer. */
  public static ClientAddress direct() {
    return new ClientAddress(List.of());
  }

  /** Trusts the comma- or space-separated addresses and CIDR blocks; {@link IllegalArgumentException} on anything else. */
  public static ClientAddress trusting(String spec) {
    List<IpRange> ranges = new ArrayList<>();
    for (String part : spec.split("[,\\s]+")) {
      if (!part.isEmpty()) {
        ranges.add(IpRange.parse(part));
      }
    }
    return new ClientAddress(ranges);
  }

  public List<IpRange> trusted() {
    return trusted;
  }

  /** The client's address as text ({@code 192.0.2.7}, {@code 2001:db8::1}); {@code null} when unknown. */
  public String of(HttpServerRequest request) {
    SocketAddress peer = request.remoteAddress();
    String direct = peer == null ? null : peer.hostAddress();
    Optional<InetAddress> peerIp = IpRange.literal(direct);
    if (trusted.isEmpty() || peerIp.isEmpty() || !isTrusted(peerIp.get())) {
      return direct;
    }
    List<String> hops = forwardedFor(request);
    String last = direct;
    for (int i = hops.size() - 1; i >= 0; i--) {
      Optional<InetAddress> hop = IpRange.literal(hops.get(i));
      if (hop.isEmpty()) {
        // Not written by a proxy we trust (they write addresses): the last hop we could vouch for is the client.
        return last;
      }
      if (!isTrusted(hop.get())) {
        return hop.get().getHostAddress();
      }
      last = hop.get().getHostAddress();
    }
    return last;
  }

  /** Over TLS: directly, or per {@code X-Forwarded-Proto: https} from a trusted proxy. */
  public boolean secure(HttpServerRequest request) {
    if (request.isSSL()) {
      return true;
    }
    SocketAddress peer = request.remoteAddress();
    Optional<InetAddress> peerIp = IpRange.literal(peer == null ? null : peer.hostAddress());
    if (peerIp.isEmpty() || !isTrusted(peerIp.get())) {
      return false;
    }
    String proto = request.getHeader("X-Forwarded-Proto");
    if (proto == null) {
      return false;
    }
    // Several proxies may each append: the right-most value is what the nearest (trusted) proxy saw.
    String[] values = proto.split(",");
    return "https".equalsIgnoreCase(values[values.length - 1].trim());
  }

  private boolean isTrusted(InetAddress address) {
    for (IpRange range : trusted) {
      if (range.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** Every X-Forwarded-For hop, left (origin) to right (nearest), ports and brackets taken off. */
  private static List<String> forwardedFor(HttpServerRequest request) {
    List<String> hops = new ArrayList<>();
    for (String header : request.headers().getAll("X-Forwarded-For")) {
      for (String hop : header.split(",")) {
        hops.add(withoutPort(hop.trim()));
      }
    }
    return hops;
  }

  private static String withoutPort(String hop) {
    if (hop.startsWith("[")) {
      int end = hop.indexOf(']');
      return end < 0 ? hop : hop.substring(1, end);
    }
    int colon = hop.indexOf(':');
    // One colon: IPv4 with a port; more: a bare IPv6 address.
    return colon >= 0 && hop.indexOf(':', colon + 1) < 0 ? hop.substring(0, colon) : hop;
  }
}
