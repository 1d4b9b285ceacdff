package jp.kurashi.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The benchmarks' closed loop")
class ClosedLoopTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  @DisplayName("each sender waits for its answer: 4 senders of 20 ms answers make about 200 a second, all counted")
  void senders() {
    AtomicInteger sent = new AtomicInteger();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger mostInFlight = new AtomicInteger();
    ClosedLoop.Result result = ClosedLoop.run(vertx, 4, 1, () -> {
      sent.incrementAndGet();
      mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
      return vertx.timer(20).map(v -> {
        inFlight.decrementAndGet();
        return 20_000_000L;
      });
    });
    assertThat(mostInFlight.get()).isEqualTo(4);
    assertThat(result.latencies().count()).isEqualTo(sent.get());
    assertThat(result.latencies().ms(99)).isEqualTo(20.0);
    // At most 4 × 50 in a second; timers and the last round's answers after the deadline take a little off.
    assertThat(result.perSecond()).isBetween(100.0, 200.0);
  }

  @Test
  @DisplayName("a failed request fails the run")
  void failure() {
    assertThatThrownBy(() -> ClosedLoop.run(vertx, 2, 5, () -> vertx.timer(5)
        .compose(v -> Future.<Long>failedFuture("status 500"))))
        .hasMessageContaining("status 500");
  }
}
