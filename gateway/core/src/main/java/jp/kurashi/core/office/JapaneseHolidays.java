package jp.kurashi.core.office;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.Month;
import java.time.temporal.TemporalAdjusters;

/**
 * National holidays of Japan (国民の祝日) under the current Act, with substitute holidays (振替休日)
 * and citizens' holidays (国民の休日). Valid for 2000-2099; the equinox days use the usual
 * approximation, which matches the Cabinet Office's announcements for this range.
 */
public final class JapaneseHolidays {

  private JapaneseHolidays() {
  }

  /** True when {@code date} is a national holiday, a substitute holiday or a citizens' holiday. */
  public static boolean isHoliday(LocalDate date) {
    if (isNamedHoliday(date)) {
      return true;
    }
    return isSubstitute(date) || isCitizensHoliday(date);
  }

  private static boolean isSubstitute(LocalDate date) {
    // The first non-holiday day after a run of holidays that includes a Sunday.
    LocalDate d = date.minusDays(1);
    while (isNamedHoliday(d)) {
      if (d.getDayOfWeek() == DayOfWeek.SUNDAY) {
        return true;
      }
      d = d.minusDays(1);
    }
    return false;
  }

  private static boolean isCitizensHoliday(LocalDate date) {
    return date.getDayOfWeek() != DayOfWeek.SUNDAY
        && isNamedHoliday(date.minusDays(1)) && isNamedHoliday(date.plusDays(1));
  }

  static boolean isNamedHoliday(LocalDate date) {
    int y = date.getYear();
    int d = date.getDayOfMonth();
    switch (date.getMonth()) {
      case JANUARY:
        return d == 1 || date.equals(nthMonday(y, Month.JANUARY, 2));
      case FEBRUARY:
        return d == 11 || (y >= 2020 && d == 23);
      case MARCH:
        return d == vernalEquinox(y);
      case APRIL:
        return d == 29;
      case MAY:
        return d >= 3 && d <= 5;
      case JULY:
        return date.equals(marineDay(y));
      case AUGUST:
        return date.equals(mountainDay(y));
      case SEPTEMBER:
        return date.equals(nthMonday(y, Month.SEPTEMBER, 3)) || d == autumnalEquinox(y);
      case OCTOBER:
        return date.equals(sportsDay(y));
      case NOVEMBER:
        return d == 3 || d == 23;
      case DECEMBER:
        return y >= 1989 && y <= 2018 && d == 23;
      default:
        return false;
    }
  }

  private static LocalDate marineDay(int y) {
    if (y == 2020) {
      return LocalDate.of(2020, 7, 23);
    }
    if (y == 2021) {
      return LocalDate.of(2021, 7, 22);
    }
    return nthMonday(y, Month.JULY, 3);
  }

  private static LocalDate mountainDay(int y) {
    if (y == 2020) {
      return LocalDate.of(2020, 8, 10);
    }
    if (y == 2021) {
      return LocalDate.of(2021, 8, 8);
    }
    return LocalDate.of(y, 8, 11);
  }

  private static LocalDate sportsDay(int y) {
    // Moved into July for the Tokyo Olympics in 2020 and 2021.
    if (y == 2020) {
      return LocalDate.of(2020, 7, 24);
    }
    if (y == 2021) {
      return LocalDate.of(2021, 7, 23);
    }
    return nthMonday(y, Month.OCTOBER, 2);
  }

  private static LocalDate nthMonday(int year, Month month, int n) {
    return LocalDate.of(year, month, 1).with(TemporalAdjusters.dayOfWeekInMonth(n, DayOfWeek.MONDAY));
  }

  private static int vernalEquinox(int y) {
    return (int) Math.floor(20.8431 + 0.242194 * (y - 1980) - Math.floor((y - 1980) / 4.0));
  }

  private static int autumnalEquinox(int y) {
    return (int) Math.floor(23.2488 + 0.242194 * (y - 1980) - Math.floor((y - 1980) / 4.0));
  }
}
