package jp.kurashi.core.limits;

import java.time.Duration;

/**
 * At most {@code limit} events per {@code window} for one key (a client address).
 *
 * @param limit  events allowed in one window, at least 1
 * @param window the window's length, at least one second
 */
public record Quota(int limit, Duration window) {

  public Quota {
    if (limit < 1) {
      throw new IllegalArgumentException("a quota's limit must be at least 1");
    }
    if (window.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("a quota's window must be at least one second");
    }
  }

  public static Quota perMinute(int limit) {
    return new Quota(limit, Duration.ofMinutes(1));
  }

  public static Quota perHour(int limit) {
    return new Quota(limit, Duration.ofHours(1));
  }
}
