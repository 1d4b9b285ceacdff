package jp.kurashi.core.outbox;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The retry policy")
class RetryPolicyTest {

  private final RetryPolicy policy = new RetryPolicy(6, Duration.ofSeconds(2), Duration.ofMinutes(5));
  private final Random random = new Random(7);

  @Test
  @DisplayName("doubles the delay each attempt, jittered within the upper half")
  void exponentialWithJitter() {
    for (int attempt = 1; attempt <= 5; attempt++) {
      long step = 2000L << (attempt - 1);
      for (int i = 0; i < 50; i++) {
        long d = policy.delayAfter(attempt, null, random).toMillis();
        assertThat(d).isBetween(step / 2, step);
      }
    }
  }

  @Test
  @DisplayName("never exceeds the ceiling, however many attempts")
  void capped() {
    assertThat(policy.delayAfter(40, null, random)).isLessThanOrEqualTo(Duration.ofMinutes(5));
  }

  @Test
  @DisplayName("waits at least the channel's Retry-After")
  void retryAfterWins() {
    assertThat(policy.delayAfter(1, Duration.ofSeconds(30), random)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  @DisplayName("counts the last attempt")
  void exhausted() {
    assertThat(policy.exhausted(5)).isFalse();
    assertThat(policy.exhausted(6)).isTrue();
  }

  @Test
  @DisplayName("refuses nonsense settings")
  void validates() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
