package jp.kurashi.core.security;

import io.vertx.core.http.HttpServerResponse;

import java.util.List;

/**
 * Lets one page be framed by the given origins, where the gateway's headers refuse framing for every answer
 * ({@code frame-ancestors 'none'}, {@code X-Frame-Options: DENY}): a channel's page embedded in the ward's own site.
 */
public final class Framing {

  private static final String CSP = "Content-Security-Policy";
  private static final java.util.regex.Pattern ORIGIN =
      java.util.regex.Pattern.compile("(https?)://([A-Za-z0-9.-]+)(?::(\\d{1,5}))?");

  private Framing() {
  }

  /** Rewrites the answer's frame-ancestors to {@code origins}; with none, the refusal stays as it is. */
  public static void allow(HttpServerResponse response, List<String> origins) {
    if (origins.isEmpty()) {
      return;
    }
    String policy = response.headers().get(CSP);
    if (policy != null) {
      response.headers().set(CSP, policy.replaceFirst("frame-ancestors [^;]*", "frame-ancestors " + String.join(" ", origins)));
    }
    response.headers().remove("X-Frame-Options");
  }

  /**
   * Parses space-separated origins such as {@code https://www.city.example.jp} (scheme and host, no path); anything
   * else is an {@link IllegalArgumentException} naming it.
   */
  public static List<String> origins(String raw) {
    String trimmed = raw == null ? "" : raw.trim();
    if (trimmed.isEmpty()) {
      return List.of();
    }
    List<String> origins = new java.util.ArrayList<>();
    for (String origin : trimmed.split("\\s+")) {
      var parts = ORIGIN.matcher(origin.toLowerCase(java.util.Locale.ROOT));
      if (!parts.matches() || parts.group(3) != null && Integer.parseInt(parts.group(3)) > 65535) {
        throw new IllegalArgumentException("not an origin like https://www.city.example.jp: \"" + origin + "\"");
      }
      origins.add(serialized(parts.group(1), parts.group(2), parts.group(3)));
    }
    return List.copyOf(origins);
  }

  /**
   * An origin as browsers write it ({@code location.origin}, a message's origin): lower case, without the scheme's
   * default port. The widget compares the page's origin with these, so {@code https://WWW.City.example.jp:443} must
   * read as the {@code https://www.city.example.jp} a browser reports.
   */
  private static String serialized(String scheme, String host, String port) {
    boolean defaultPort = port == null || scheme.equals("https") && port.equals("443") || scheme.equals("http") && port.equals("80");
    return scheme + "://" + host + (defaultPort ? "" : ":" + Integer.parseInt(port));
  }
}
