package jp.kurashi.core.office;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Office hours")
class OfficeHoursTest {

  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  private final OfficeHours hours = OfficeProfileJson.defaults().hours();

  private static java.time.Instant at(String localDateTime) {
    return ZonedDateTime.of(java.time.LocalDateTime.parse(localDateTime), TOKYO).toInstant();
  }

  @Test
  @DisplayName("are open on a weekday from 9:00 until 17:30, Tokyo time")
  void weekday() {
    assertThat(hours.isOpen(at("2026-11-26T08:59:59"))).isFalse();
    assertThat(hours.isOpen(at("2026-11-26T09:00:00"))).isTrue();
    assertThat(hours.isOpen(at("2026-11-26T17:29:59"))).isTrue();
    assertThat(hours.isOpen(at("2026-11-26T17:30:00"))).isFalse();
    assertThat(hours.isOpen(at("2026-11-28T10:00:00"))).as("Saturday").isFalse();
  }

  @Test
  @DisplayName("are closed on national holidays and from 29 December to 3 January")
  void closedDays() {
    assertThat(hours.isOpen(at("2026-11-23T10:00:00"))).as("勤労感謝の日").isFalse();
    assertThat(hours.isOpen(at("2026-12-28T10:00:00"))).isTrue();
    assertThat(hours.isOpen(at("2026-12-29T10:00:00"))).isFalse();
    assertThat(hours.isOpen(at("2027-01-01T10:00:00"))).isFalse();
    assertThat(hours.isOpen(at("2027-01-04T10:00:00"))).isTrue();
  }

  @Test
  @DisplayName("tell the next opening across a weekend and the year end")
  void nextOpening() {
    assertThat(hours.nextOpening(at("2026-11-27T18:00:00")).orElseThrow())
        .isEqualTo(ZonedDateTime.of(2026, 11, 30, 9, 0, 0, 0, TOKYO));
    assertThat(hours.nextOpening(at("2026-12-28T17:45:00")).orElseThrow())
        .isEqualTo(ZonedDateTime.of(2027, 1, 4, 9, 0, 0, 0, TOKYO));
    assertThat(hours.nextOpening(at("2026-11-26T08:00:00")).orElseThrow())
        .isEqualTo(ZonedDateTime.of(2026, 11, 26, 9, 0, 0, 0, TOKYO));
  }

  @Test
  @DisplayName("know every national holiday of 2026, with the substitute and citizens' holidays")
  void holidays2026() {
    List<LocalDate> expected = List.of(
        LocalDate.of(2026, 1, 1), LocalDate.of(2026, 1, 12), LocalDate.of(2026, 2, 11), LocalDate.of(2026, 2, 23),
        LocalDate.of(2026, 3, 20), LocalDate.of(2026, 4, 29), LocalDate.of(2026, 5, 3), LocalDate.of(2026, 5, 4),
        LocalDate.of(2026, 5, 5), LocalDate.of(2026, 5, 6), LocalDate.of(2026, 7, 20), LocalDate.of(2026, 8, 11),
        LocalDate.of(2026, 9, 21), LocalDate.of(2026, 9, 22), LocalDate.of(2026, 9, 23), LocalDate.of(2026, 10, 12),
        LocalDate.of(2026, 11, 3), LocalDate.of(2026, 11, 23));
    List<LocalDate> actual = IntStream.range(0, 365).mapToObj(i -> LocalDate.of(2026, 1, 1).plusDays(i))
        .filter(JapaneseHolidays::isHoliday).toList();
    assertThat(actual).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2025-02-24", "2025-03-20", "2025-09-23", "2025-11-24", "2027-03-21", "2027-03-22",
      "2027-09-23", "2028-02-23", "2024-08-12", "2019-05-06"})
  @DisplayName("know holidays of other years (substitutes included)")
  void otherYears(String date) {
    assertThat(JapaneseHolidays.isHoliday(LocalDate.parse(date))).isTrue();
  }
}
