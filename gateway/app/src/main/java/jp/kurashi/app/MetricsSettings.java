package jp.kurashi.app;

import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.config.ConfigException;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * Who may read {@code GET /metrics} and where it is served.
 *
 * @param token {@code METRICS_TOKEN}: when set, a scrape needs {@code Authorization: Bearer <token>}
 * @param port  {@code METRICS_PORT}: when set, {@code /metrics} is served only by its own server on this port
 *              (the public port answers 404 for it)
 * @param host  {@code METRICS_HOST}: the address that server listens on, loopback unless told otherwise
 */
public record MetricsSettings(Optional<String> token, OptionalInt port, String host) {

  /** Shorter tokens are refused: a scrape token is typed once into Prometheus, it can be long. */
  static final int MIN_TOKEN_LENGTH = 16;

  @Override
  public String toString() {
    return "MetricsSettings[token=" + (token.isPresent() ? "(set)" : "(none)") + ", port=" + port + ", host=" + host + "]";
  }

  static MetricsSettings load(ConfigSource src, int httpPort) {
    Optional<String> token = src.optional("METRICS_TOKEN");
    token.ifPresent(t -> {
      if (t.length() < MIN_TOKEN_LENGTH) {
        throw new ConfigException("METRICS_TOKEN must be at least " + MIN_TOKEN_LENGTH + " characters");
      }
      if (!t.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
        throw new ConfigException("METRICS_TOKEN must be printable ASCII without spaces");
      }
    });
    OptionalInt port = OptionalInt.empty();
    if (src.optional("METRICS_PORT").isPresent()) {
      int p = src.integer("METRICS_PORT", 0, 1, 65535);
      if (p == httpPort) {
        throw new ConfigException("METRICS_PORT must differ from HTTP_PORT (" + httpPort + ")");
      }
      port = OptionalInt.of(p);
    }
    String host = src.string("METRICS_HOST", "127.0.0.1");
    if (src.optional("METRICS_HOST").isPresent() && port.isEmpty()) {
      throw new ConfigException("METRICS_HOST needs METRICS_PORT: without it /metrics is served on HTTP_HOST:HTTP_PORT");
    }
    return new MetricsSettings(token, port, host);
  }
}
