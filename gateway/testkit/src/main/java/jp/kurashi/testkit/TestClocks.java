package jp.kurashi.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.function.Predicate;

/**
 * Clocks for tests, so that no test depends on the hour or day it runs.
 *
 * <p>Every test clock starts at a chosen moment and runs on from there at the real rate, so timeouts,
 * retries and waits behave as in production. {@link #ambient()} is the moment the whole suite pretends to
 * run at: the real time, or the one given by {@code -Dkurashi.test.now=2026-12-31T10:00+09:00}, which is
 * how the suite is proven to pass at any hour. A test that needs the desk open or closed says so:
 *
 * <pre>{@code
 * Clock open = TestClocks.next(LocalTime.of(10, 0), profile.hours()::isOpen);
 * Clock night = TestClocks.next(LocalTime.of(3, 0), t -> !profile.hours().isOpen(t));
 * }</pre>
 */
public final class TestClocks {

  /** The property that moves the whole suite to another moment. */
  public static final String NOW_PROPERTY = "kurashi.test.now";
  public static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");

  /** How far the suite's moment is from the real time; zero unless {@code kurashi.test.now} is set. */
  private static final Duration AMBIENT_OFFSET = ambientOffset();

  private TestClocks() {
  }

  /** The suite's clock: the real time, or {@code kurashi.test.now} running on from the moment the JVM began. */
  public static Clock ambient() {
    return Clock.offset(Clock.systemUTC(), AMBIENT_OFFSET);
  }

  /** A clock that reads {@code moment} now and runs on at the real rate. */
  public static Clock startingAt(Instant moment) {
    return Clock.offset(Clock.systemUTC(), Duration.between(Instant.now(), moment));
  }

  /**
   * A clock starting at the first {@code timeOfDay} (Tokyo time) after the suite's ambient moment for which
   * {@code wanted} holds, e.g. the next open weekday at 10:00 or the next closed night at 03:00.
   */
  public static Clock next(LocalTime timeOfDay, Predicate<Instant> wanted) {
    ZonedDateTime day = ambient().instant().atZone(TOKYO).plusDays(1).with(timeOfDay);
    for (int i = 0; i < 400; i++) {
      Instant candidate = day.plusDays(i).toInstant();
      if (wanted.test(candidate)) {
        return startingAt(candidate);
      }
    }
    throw new IllegalStateException("no day in 400 at " + timeOfDay + " matches");
  }

  /** A clock starting at {@code moment}, written as {@code 2026-12-31T10:00+09:00}. */
  public static Clock at(String moment) {
    return startingAt(OffsetDateTime.parse(moment).toInstant());
  }

  private static Duration ambientOffset() {
    String configured = System.getProperty(NOW_PROPERTY, "");
    if (configured.isBlank()) {
      return Duration.ZERO;
    }
    try {
      return Duration.between(Instant.now(), OffsetDateTime.parse(configured.trim()).toInstant());
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(NOW_PROPERTY + " must look like 2026-12-31T10:00+09:00, not " + configured, e);
    }
  }
}
