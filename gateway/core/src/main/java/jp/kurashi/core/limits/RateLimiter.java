package jp.kurashi.core.limits;

import io.vertx.core.Future;

/**
 * Counts events per key (a client address) against one {@link Quota} in fixed windows, each starting with the
 * key's first event after the previous one ended: the n-th event of a window is allowed while {@code n <= limit}. Built by {@link RateLimits}, which
 * decides whether the count lives in this process or in Redis (shared by every gateway instance).
 *
 * <pre>{@code
 * RateLimiter sessions = limits.limiter("webchat-sessions", Quota.perHour(60));
 * sessions.acquire(address).onSuccess(d -> { if (!d.allowed()) answer429(d.retryAfterSeconds()); });
 * }</pre>
 *
 * The future never fails: a limiter that cannot reach its shared store counts on this instance instead.
 */
public interface RateLimiter {

  /** Counts one event of {@code key} (an IPv6 address counts by its /64) and says whether it is within the quota. */
  Future<RateDecision> acquire(String key);
}
