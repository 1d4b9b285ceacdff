package jp.kurashi.app.warmup;

import jp.kurashi.core.office.OfficeHours;
import jp.kurashi.core.office.OfficeProfileJson;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The warm-up's clock: the desk's next closed moment")
class ClosedClockTest {

  private static final OfficeHours SHIPPED = OfficeProfileJson.defaults().hours();

  @Test
  @DisplayName("a desk open now is warmed at its next closed moment, so the out-of-hours notice runs too")
  void openDeskMovesToClosing() {
    // Tuesday 2026-12-01 10:00 in Tokyo: the shipped desk is open.
    Clock tuesdayMorning = Clock.fixed(Instant.parse("2026-12-01T01:00:00Z"), ZoneOffset.UTC);
    assertThat(SHIPPED.isOpen(tuesdayMorning.instant())).isTrue();

    Clock moved = StartupWarmUp.closedClock(tuesdayMorning, SHIPPED);

    assertThat(SHIPPED.isOpen(moved.instant())).isFalse();
    assertThat(Duration.between(tuesdayMorning.instant(), moved.instant())).isPositive()
        .isLessThanOrEqualTo(Duration.ofHours(12));
  }

  @Test
  @DisplayName("a desk closed now (a Sunday night) keeps the clock as it is")
  void closedDeskKeepsTheClock() {
    Clock sundayNight = Clock.fixed(Instant.parse("2026-11-28T18:00:00Z"), ZoneOffset.UTC);

    assertThat(StartupWarmUp.closedClock(sundayNight, SHIPPED).instant()).isEqualTo(sundayNight.instant());
  }

  @Test
  @DisplayName("a desk that never closes keeps the clock: its in-hours path is the one warmed")
  void neverClosed() {
    OfficeHours always = new OfficeHours(SHIPPED.zone(), allDay(), false, null, null, java.util.Set.of());
    Clock tuesdayMorning = Clock.fixed(Instant.parse("2026-12-01T01:00:00Z"), ZoneOffset.UTC);

    assertThat(StartupWarmUp.closedClock(tuesdayMorning, always).instant()).isEqualTo(tuesdayMorning.instant());
  }

  private static Map<DayOfWeek, List<OfficeHours.Period>> allDay() {
    Map<DayOfWeek, List<OfficeHours.Period>> week = new java.util.EnumMap<>(DayOfWeek.class);
    for (DayOfWeek day : DayOfWeek.values()) {
      week.put(day, List.of(new OfficeHours.Period(java.time.LocalTime.MIN, java.time.LocalTime.MAX)));
    }
    return week;
  }
}
