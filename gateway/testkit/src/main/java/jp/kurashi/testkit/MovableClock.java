package jp.kurashi.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A test clock that runs at the real rate from a {@link TestClocks} clock and can be moved forward, so a test
 * goes past an idle limit or an expiry without sleeping:
 *
 * <pre>{@code
 * MovableClock clock = new MovableClock(TestClocks.ambient());
 * clock.advance(Duration.ofMinutes(31));
 * }</pre>
 */
public final class MovableClock extends Clock {

  private final Clock base;
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  public MovableClock(Clock base) {
    this.base = base;
  }

  /** Moves the clock forward by {@code by}; every later reading is that much later. */
  public void advance(Duration by) {
    offset.updateAndGet(d -> d.plus(by));
  }

  @Override
  public ZoneId getZone() {
    return base.getZone();
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a movable clock keeps its zone");
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }
}
