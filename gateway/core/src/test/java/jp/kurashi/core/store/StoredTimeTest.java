package jp.kurashi.core.store;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("A time read back from the database")
class StoredTimeTest {

  private static final Instant SENT = Instant.parse("2026-11-28T01:02:03.123456789Z");

  @Test
  @DisplayName("matches what was sent when it is that time rounded to the microsecond")
  void roundedToMicroseconds() {
    assertThat(StoredTime.matches(Instant.parse("2026-11-28T01:02:03.123457Z").atOffset(ZoneOffset.ofHours(9)), SENT)).isTrue();
    assertThat(StoredTime.matches(SENT.atOffset(ZoneOffset.UTC), SENT)).isTrue();
    // as the client binds it: the nanoseconds cut off
    assertThat(StoredTime.matches(Instant.parse("2026-11-28T01:02:03.123456Z").atOffset(ZoneOffset.UTC), SENT)).isTrue();
  }

  @Test
  @DisplayName("does not match another time, even a few microseconds off")
  void otherTime() {
    assertThat(StoredTime.matches(Instant.parse("2026-11-28T01:02:03.123459Z").atOffset(ZoneOffset.UTC), SENT)).isFalse();
    assertThat(StoredTime.matches(SENT.plusSeconds(60).atOffset(ZoneOffset.UTC), SENT)).isFalse();
  }

  @Test
  @DisplayName("matches an absent time only when none was sent")
  void absent() {
    assertThat(StoredTime.matches(null, null)).isTrue();
    assertThat(StoredTime.matches(null, SENT)).isFalse();
    assertThat(StoredTime.matches(SENT.atOffset(ZoneOffset.UTC), null)).isFalse();
  }
}
