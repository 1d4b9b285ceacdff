package jp.kurashi.connectors.webchat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicReference;

/** A test clock that runs at the real rate from its base and can be moved forward, e.g. past an idle limit. */
final class MovableClock extends Clock {

  private final Clock base;
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  MovableClock(Clock base) {
    this.base = base;
  }

  void advance(Duration by) {
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
