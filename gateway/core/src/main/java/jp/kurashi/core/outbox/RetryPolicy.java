package jp.kurashi.core.outbox;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * When to try a failed reply again: exponential backoff with jitter, never sooner than the
 * channel's Retry-After, and a last attempt after which the reply is marked failed.
 *
 * @param maxAttempts  attempts in all, the first included
 * @param initialDelay delay after the first failure
 * @param maxDelay     ceiling for one delay (a Retry-After above it is still honoured)
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1");
    }
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException("need 0 <= initialDelay <= maxDelay");
    }
  }

  /** True when attempt number {@code attempt} (1-based) was the last one allowed. */
  public boolean exhausted(int attempt) {
    return attempt >= maxAttempts;
  }

  /**
   * The wait after attempt {@code attempt} failed: half the exponential step plus a random half
   * ("equal jitter"), so retries of many replies spread out instead of arriving together.
   */
  public Duration delayAfter(int attempt, Duration retryAfter, RandomGenerator random) {
    long base = initialDelay.toMillis();
    int shift = Math.min(Math.max(attempt - 1, 0), 30);
    long step = Math.min(maxDelay.toMillis(), base << shift);
    long half = step / 2;
    long delay = half + (half > 0 ? random.nextLong(half + 1) : 0);
    if (retryAfter != null && retryAfter.toMillis() > delay) {
      delay = retryAfter.toMillis();
    }
    return Duration.ofMillis(delay);
  }
}
