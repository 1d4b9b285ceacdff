package jp.kurashi.core.limits;

import jp.kurashi.core.security.ClientNetwork;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import jp.kurashi.core.bus.RedisLink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Rate limits counted in Redis: one key per limiter, address and window, incremented and given its expiry in
 * one script, so every instance sees the same count. When Redis fails or is slow the event is counted by this
 * instance's own counter with the same quota: a resident is never refused because Redis is down, only (as
 * before Redis was configured) when this instance alone has seen too many events from the address.
 */
final class RedisRateLimits implements RateLimits {

  private static final Logger LOG = LoggerFactory.getLogger(RedisRateLimits.class);
  /** A resident's message waits at most this long for Redis before being counted locally. */
  private static final long COMMAND_TIMEOUT_MS = 300;
  /** One warning per limiter in this time while Redis is down, not one per request. */
  private static final long WARN_EVERY_MS = 10_000;
  private static final String PREFIX = "kurashi:limit:";
  /**
   * INCR, and on the window's first event PEXPIRE, in one script (atomic: no key is ever left without its expiry);
   * returns the count and the milliseconds left in the window. Redis's own clock times the window, so instances
   * whose clocks differ still share one window.
   */
  private static final String SCRIPT = """
      local n = redis.call('INCR', KEYS[1])
      if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
      local ttl = redis.call('PTTL', KEYS[1])
      if ttl < 0 then
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        ttl = tonumber(ARGV[1])
      end
      return {n, ttl}
      """;

  private final RedisLink link;
  private final Clock clock;

  RedisRateLimits(Vertx vertx, RedisOptions options, Clock clock) {
    this.link = new RedisLink(vertx, options, null);
    this.clock = clock;
  }

  @Override
  public RateLimiter limiter(String name, Quota quota) {
    return new Limiter(name, quota);
  }

  @Override
  public Future<Void> close() {
    return link.close();
  }

  private final class Limiter implements RateLimiter {

    private final String name;
    private final Quota quota;
    private final LocalRateLimits.Counter fallback;
    private final AtomicLong lastWarning = new AtomicLong(Long.MIN_VALUE / 2);

    Limiter(String name, Quota quota) {
      this.name = name;
      this.quota = quota;
      this.fallback = new LocalRateLimits.Counter(quota, clock);
    }

    @Override
    public Future<RateDecision> acquire(String key) {
      String redisKey = PREFIX + name + ":" + (key == null ? "" : ClientNetwork.of(key));
      Request incr = Request.cmd(Command.EVAL).arg(SCRIPT).arg(1).arg(redisKey).arg(quota.window().toMillis());
      return link.send(incr, COMMAND_TIMEOUT_MS)
          .map(r -> new RateDecision(r.get(0).toLong() <= quota.limit(),
              LocalRateLimits.retryAfterSeconds(r.get(1).toLong())))
          .recover(err -> {
            warn(err);
            return Future.succeededFuture(fallback.count(key));
          });
    }

    private void warn(Throwable err) {
      long now = clock.millis();
      long last = lastWarning.get();
      if (now - last >= WARN_EVERY_MS && lastWarning.compareAndSet(last, now)) {
        LOG.atWarn().addKeyValue("limit", name).addKeyValue("error", err.getClass().getSimpleName())
            .log("rate limit counted on this instance only: redis unavailable");
      }
    }
  }
}
