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
  private final AtomicReference<Duration> offset;

  public MovableClock(Clock base) {
    this(base, new AtomicReference<>(Duration.ZERO));
  }

  private MovableClock(Clock base, AtomicReference<Duration> offset) {
    this.base = base;
    this.offset = offset;
  }

  /** Moves the clock forward by {@code by}; every later reading is that much later. */
  public void advance(Duration by) {
    offset.updateAndGet(d -> d.plus(by));
  }

  @Override
  public ZoneId getZone() {
    return base.getZone();
  }

  /** The same clock read in another zone: moving either moves both (code under test asks for Tokyo's). */
  @Override
  public Clock withZone(ZoneId zone) {
    return new MovableClock(base.withZone(zone), offset);
  }

  @Override
  public Instant instant() {
    return base.instant().plus(offset.get());
  }
}
