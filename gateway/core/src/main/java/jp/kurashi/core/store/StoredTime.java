package jp.kurashi.core.store;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Whether a time read back from the database is the one a request sent, which it stored to the microsecond. */
final class StoredTime {

  private StoredTime() {
  }

  /**
   * True if both are absent, or {@code stored} is {@code sent} to the microsecond. Under a microsecond, not half of one:
   * the client truncates the nanoseconds of what it binds (.123456789 is stored .123456), a text time is rounded.
   */
  static boolean matches(OffsetDateTime stored, Instant sent) {
    if (stored == null || sent == null) {
      return stored == null && sent == null;
    }
    return Math.abs(Duration.between(stored.toInstant(), sent).toNanos()) < 1_000;
  }
}
