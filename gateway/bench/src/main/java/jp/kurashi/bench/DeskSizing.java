package jp.kurashi.bench;

import java.util.Locale;

/**
 * What a desk's year of consultations asks of the gateway at its busiest hour, against a measured capacity.
 * Residents do not write evenly: the busiest day of the year carries {@code peakDayFactor} times an average
 * day's messages, and its busiest hour {@code peakHourShare} of that day's.
 *
 * @param consultationsPerYear     new consultations a year (the FY2023 desk: 638)
 * @param messagesPerConsultation  resident and staff messages over one consultation's life
 * @param peakDayFactor            busiest day against the average day
 * @param peakHourShare            the busiest hour's share of that day's messages (0–1)
 */
record DeskSizing(int consultationsPerYear, int messagesPerConsultation, double peakDayFactor, double peakHourShare) {

  /** The FY2023 desk, sized generously: 638 consultations, 50 messages each, busiest day ×10, 25 % of it in one hour. */
  static final DeskSizing FY2023 = new DeskSizing(638, 50, 10, 0.25);

  DeskSizing {
    if (consultationsPerYear < 0 || messagesPerConsultation < 0 || peakDayFactor < 1 || peakHourShare <= 0
        || peakHourShare > 1) {
      throw new IllegalArgumentException("not a desk: " + consultationsPerYear + ", " + messagesPerConsultation
          + ", " + peakDayFactor + ", " + peakHourShare);
    }
  }

  double messagesPerYear() {
    return (double) consultationsPerYear * messagesPerConsultation;
  }

  double averagePerDay() {
    return messagesPerYear() / 365;
  }

  /** Messages in the busiest hour of the year. */
  double peakPerHour() {
    return averagePerDay() * peakDayFactor * peakHourShare;
  }

  double peakPerSecond() {
    return peakPerHour() / 3600;
  }

  /** How many times the busiest hour fits into a measured capacity (messages per second). */
  double headroom(double capacityPerSecond) {
    double peak = peakPerSecond();
    return peak == 0 ? Double.POSITIVE_INFINITY : capacityPerSecond / peak;
  }

  /** One line for a benchmark's output. */
  String describe(double capacityPerSecond) {
    return String.format(Locale.ROOT, "desk of %d consultations/year × %d messages = %.0f messages/year,"
            + " %.0f a day on average; busiest hour (day ×%.0f, %.0f %% in one hour) %.0f messages = %.3f/s;"
            + " measured %.0f/s is %,.0f times that",
        consultationsPerYear, messagesPerConsultation, messagesPerYear(), averagePerDay(), peakDayFactor,
        100 * peakHourShare, peakPerHour(), peakPerSecond(), capacityPerSecond, headroom(capacityPerSecond));
  }
}
