package jp.kurashi.core.limits;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.RedisOptions;

import java.time.Clock;

/**
 * Where rate limits are counted: in this process (one gateway instance), or in Redis so that every instance
 * behind the load balancer shares one count per address. Chosen once in the app by whether {@code REDIS_URL} is set.
 *
 * <pre>{@code
 * RateLimits limits = redisUrl.isEmpty() ? RateLimits.inProcess(clock) : RateLimits.redis(vertx, options, clock);
 * RateLimiter logins = limits.limiter("login", Quota.perMinute(20));
 * }</pre>
 */
public interface RateLimits {

  /** Counts held in this process's memory. */
  static RateLimits inProcess(Clock clock) {
    return new LocalRateLimits(clock);
  }

  /**
   * Counts in Redis, shared by every instance using the same server. When Redis does not answer within a
   * short timeout, the event is counted on this instance instead (and logged), so nobody is refused only
   * because Redis is down.
   */
  static RateLimits redis(Vertx vertx, RedisOptions options, Clock clock) {
    return new RedisRateLimits(vertx, options, clock);
  }

  /** A limiter for one kind of event; {@code name} keeps its counts apart from other limiters'. */
  RateLimiter limiter(String name, Quota quota);

  /** Closes the Redis connection, if any. */
  Future<Void> close();
}
