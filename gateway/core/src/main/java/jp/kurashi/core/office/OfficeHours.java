package jp.kurashi.core.office;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When staff answer: opening times per weekday in the office's time zone, closed on national
 * holidays (optional), on a recurring year-end period such as 12/29-1/3, and on extra dates.
 *
 * @param zone              the office's time zone, e.g. Asia/Tokyo
 * @param weekly            opening periods per weekday; a missing day is closed
 * @param closedOnHolidays  closed on Japanese national holidays
 * @param yearEndFrom       first closed day of the year-end period (inclusive), or {@code null}
 * @param yearEndTo         last closed day of the year-end period (inclusive), may be in the next year
 * @param closedDates       further closed dates (office events, disasters)
 */
public record OfficeHours(ZoneId zone, Map<DayOfWeek, List<Period>> weekly, boolean closedOnHolidays,
                          MonthDay yearEndFrom, MonthDay yearEndTo, Set<LocalDate> closedDates) {

  /** One opening period of a day, {@code from} inclusive, {@code to} exclusive. */
  public record Period(LocalTime from, LocalTime to) {
    public Period {
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("opening period must end after it starts: " + from + "-" + to);
      }
    }
  }

  public OfficeHours {
    weekly = Map.copyOf(weekly);
    closedDates = Set.copyOf(closedDates);
  }

  /** True when staff are at the desk at {@code instant}. */
  public boolean isOpen(Instant instant) {
    ZonedDateTime t = instant.atZone(zone);
    if (isClosedDay(t.toLocalDate())) {
      return false;
    }
    LocalTime time = t.toLocalTime();
    return weekly.getOrDefault(t.getDayOfWeek(), List.of()).stream()
        .anyMatch(p -> !time.isBefore(p.from()) && time.isBefore(p.to()));
  }

  /** The next moment the desk opens after {@code instant}, looking up to 60 days ahead. */
  public Optional<ZonedDateTime> nextOpening(Instant instant) {
    ZonedDateTime t = instant.atZone(zone);
    for (int i = 0; i <= 60; i++) {
      LocalDate day = t.toLocalDate().plusDays(i);
      if (isClosedDay(day)) {
        continue;
      }
      for (Period p : weekly.getOrDefault(day.getDayOfWeek(), List.of()).stream()
          .sorted((a, b) -> a.from().compareTo(b.from())).toList()) {
        ZonedDateTime opens = day.atTime(p.from()).atZone(zone);
        if (opens.isAfter(t)) {
          return Optional.of(opens);
        }
      }
    }
    return Optional.empty();
  }

  /** True when the whole day is closed (holiday, year-end, extra date, or no opening period). */
  public boolean isClosedDay(LocalDate day) {
    if (closedDates.contains(day) || (closedOnHolidays && JapaneseHolidays.isHoliday(day))) {
      return true;
    }
    if (yearEndFrom != null && yearEndTo != null && inYearEnd(MonthDay.from(day))) {
      return true;
    }
    return weekly.getOrDefault(day.getDayOfWeek(), List.of()).isEmpty();
  }

  private boolean inYearEnd(MonthDay d) {
    if (!yearEndFrom.isAfter(yearEndTo)) {
      return !d.isBefore(yearEndFrom) && !d.isAfter(yearEndTo);
    }
    return !d.isBefore(yearEndFrom) || !d.isAfter(yearEndTo);
  }
}
