package jp.kurashi.core.limits;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.RedisOptions;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestRedis;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 14, item 5: one count per address, in this process or shared by every instance through Redis. */
@ExtendWith(VertxExtension.class)
@DisplayName("Rate limits")
class RateLimitsTest {

  private static final Instant START = Instant.parse("2026-12-01T01:00:00Z");

  /** A clock that stands still until moved. */
  static final class StepClock extends Clock {
    final AtomicReference<Instant> now = new AtomicReference<>(START);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }

  private static boolean allowed(RateLimiter limiter, String key) {
    return Await.result(limiter.acquire(key)).allowed();
  }

  @Test
  @DisplayName("an IPv6 address counts by its /64: one line cannot rotate addresses past its quota; IPv4 by itself")
  void ipv6ByNetwork() {
    RateLimiter limiter = RateLimits.inProcess(new StepClock()).limiter("t", Quota.perHour(3));
    assertThat(allowed(limiter, "2001:db8:1:2::10")).isTrue();
    assertThat(allowed(limiter, "2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isTrue();
    assertThat(allowed(limiter, "2001:0db8:0001:0002:0:0:0:1")).isTrue();
    assertThat(allowed(limiter, "2001:db8:1:2::ffff")).as("a fourth address of the same /64").isFalse();
    assertThat(allowed(limiter, "2001:db8:1:3::10")).as("the next /64 is another line").isTrue();
    assertThat(allowed(limiter, "192.0.2.1")).isTrue();
    assertThat(allowed(limiter, "192.0.2.2")).isTrue();
    assertThat(jp.kurashi.core.security.ClientNetwork.of("2001:db8:1:2::10")).isEqualTo("2001:db8:1:2::/64");
    assertThat(jp.kurashi.core.security.ClientNetwork.of("::ffff:192.0.2.1")).isEqualTo("::ffff:192.0.2.1");
  }

  @Test
  @DisplayName("in process: the limit per key and window, Retry-After until the window ends, a new window counts afresh")
  void inProcess() {
    StepClock clock = new StepClock();
    RateLimiter limiter = RateLimits.inProcess(clock).limiter("t", Quota.perMinute(2));
    assertThat(allowed(limiter, "192.0.2.1")).isTrue();
    clock.now.set(START.plusSeconds(20));
    assertThat(allowed(limiter, "192.0.2.1")).isTrue();
    RateDecision refused = Await.result(limiter.acquire("192.0.2.1"));
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.retryAfterSeconds()).isEqualTo(40);
    assertThat(allowed(limiter, "192.0.2.2")).as("another address has its own count").isTrue();
    clock.now.set(START.plusSeconds(60));
    assertThat(allowed(limiter, "192.0.2.1")).isTrue();
  }

  @Test
  @DisplayName("through Redis: two instances share one count per address; limiters of other names do not")
  void sharedThroughRedis(Vertx vertx) {
    try (TestRedis redis = TestRedis.start()) {
      RedisOptions options = new RedisOptions().setConnectionString(redis.url());
      RateLimits one = RateLimits.redis(vertx, options, Clock.systemUTC());
      RateLimits two = RateLimits.redis(vertx, options, Clock.systemUTC());
      RateLimiter a = one.limiter("sessions", Quota.perHour(3));
      RateLimiter b = two.limiter("sessions", Quota.perHour(3));
      assertThat(allowed(a, "192.0.2.1")).isTrue();
      assertThat(allowed(b, "192.0.2.1")).isTrue();
      assertThat(allowed(a, "192.0.2.1")).isTrue();
      RateDecision refused = Await.result(b.acquire("192.0.2.1"));
      assertThat(refused.allowed()).isFalse();
      assertThat(refused.retryAfterSeconds()).isBetween(3500L, 3600L);
      assertThat(allowed(a, "192.0.2.1")).isFalse();
      assertThat(allowed(b, "192.0.2.9")).isTrue();
      assertThat(allowed(two.limiter("uploads", Quota.perHour(3)), "192.0.2.1")).isTrue();
      assertThat(allowed(a, "2001:db8:7:1::1")).isTrue();
      assertThat(allowed(b, "2001:db8:7:1:ffff::2")).isTrue();
      assertThat(allowed(a, "2001:db8:7:1:abcd:1:2:3")).isTrue();
      assertThat(allowed(b, "2001:db8:7:1:0:0:0:4")).as("the same /64, on the other instance").isFalse();
      Await.result(one.close());
      Await.result(two.close());
    }
  }

  @Test
  @DisplayName("Redis down: nobody is refused for it; this instance counts on its own with the same quota")
  void redisDown(Vertx vertx) {
    TestRedis redis = TestRedis.start();
    RateLimits limits = RateLimits.redis(vertx, new RedisOptions().setConnectionString(redis.url()),
        new StepClock());
    RateLimiter limiter = limits.limiter("messages", Quota.perMinute(2));
    assertThat(allowed(limiter, "192.0.2.1")).isTrue();
    redis.stop();
    long started = System.nanoTime();
    assertThat(allowed(limiter, "192.0.2.1")).isTrue();
    assertThat(allowed(limiter, "192.0.2.1")).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(allowed(limiter, "192.0.2.1")).as("the local count still stops a flood").isFalse();
    Await.result(limits.close());
  }
}
