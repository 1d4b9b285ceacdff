package jp.kurashi.core.limits;

import jp.kurashi.core.security.ClientNetwork;

import io.vertx.core.Future;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/** Rate limits counted in this process: shared by the instance's HTTP verticles, hence thread-safe. */
final class LocalRateLimits implements RateLimits {

  private final Clock clock;

  LocalRateLimits(Clock clock) {
    this.clock = clock;
  }

  @Override
  public RateLimiter limiter(String name, Quota quota) {
    return new Counter(quota, clock);
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  /** One quota's counts by key; also the fallback of a Redis limiter. */
  static final class Counter implements RateLimiter {

    /** Beyond this many keys the finished windows are dropped, so a spread-out flood cannot grow the map. */
    private static final int PURGE_ABOVE = 10_000;

    private final Quota quota;
    private final Clock clock;
    private final ConcurrentHashMap<String, Count> counts = new ConcurrentHashMap<>();
    /** When finished windows were last dropped: at most once a second, not a full scan on every event of a flood. */
    private volatile long purgedAt;

    Counter(Quota quota, Clock clock) {
      this.quota = quota;
      this.clock = clock;
    }

    @Override
    public Future<RateDecision> acquire(String key) {
      return Future.succeededFuture(count(key));
    }

    RateDecision count(String key) {
      long now = clock.millis();
      long window = quota.window().toMillis();
      if (counts.size() > PURGE_ABOVE && now - purgedAt >= 1_000) {
        purgedAt = now;
        counts.values().removeIf(c -> now - c.start >= window);
      }
      Count counted = counts.compute(key == null ? "" : ClientNetwork.of(key), (k, c) ->
          c == null || now - c.start >= window ? new Count(now, 1) : new Count(c.start, c.n + 1));
      return new RateDecision(counted.n <= quota.limit(), retryAfterSeconds(counted.start + window - now));
    }

    private record Count(long start, long n) {
    }
  }

  /** Whole seconds, rounded up, at least one: a Retry-After. */
  static long retryAfterSeconds(long millis) {
    return Math.max(1, (millis + 999) / 1000);
  }
}
