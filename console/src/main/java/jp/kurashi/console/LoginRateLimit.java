package jp.kurashi.console;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * At most {@code perMinute} login requests per client address in a minute that starts with its first request. Held in this gateway
 * instance's memory only: behind a load balancer each instance counts on its own (so the effective limit
 * is per instance). Shared by the HTTP verticles of the instance, hence thread-safe.
 */
final class LoginRateLimit {

  /** Beyond this many addresses the finished minutes are dropped, so a spread-out flood cannot grow the map. */
  private static final int PURGE_ABOVE = 10_000;

  private static final long WINDOW_MILLIS = 60_000;

  private final int perMinute;
  private final Clock clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  LoginRateLimit(int perMinute, Clock clock) {
    this.perMinute = perMinute;
    this.clock = clock;
  }

  /** Counts one request from {@code address}; false when that address is over its limit this minute. */
  boolean tryAcquire(String address) {
    long now = clock.millis();
    if (windows.size() > PURGE_ABOVE) {
      windows.values().removeIf(w -> w.over(now));
    }
    Window counted = windows.compute(address == null ? "" : address, (key, w) ->
        w == null || w.over(now) ? new Window(now, 1) : new Window(w.start, w.count + 1));
    return counted.count <= perMinute;
  }

  /** Seconds until {@code address}'s minute ends: the Retry-After of a refusal. */
  long retryAfterSeconds(String address) {
    Window w = windows.get(address == null ? "" : address);
    long left = w == null ? 0 : w.start + WINDOW_MILLIS - clock.millis();
    return Math.max(1, (left + 999) / 1000);
  }

  private record Window(long start, int count) {
    boolean over(long now) {
      return now - start >= WINDOW_MILLIS;
    }
  }
}
