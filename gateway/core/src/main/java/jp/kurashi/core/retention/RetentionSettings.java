package jp.kurashi.core.retention;

import java.time.Duration;

/**
 * How long core's data is kept, and how the retention job works through it (a channel's own keep periods, such as
 * {@code MAIL_RAW_KEEP_DAYS}, are the channel's settings: {@link jp.kurashi.core.channel.ChannelRetention}).
 *
 * @param caseYears       {@code RETENTION_YEARS}: a case closed longer ago than this is erased
 * @param auditYears      {@code AUDIT_RETENTION_YEARS}: audit rows older than this are pruned (more than caseYears,
 *                        so the log of who read a case outlives the case)
 * @param batchSize       rows (cases, a channel's rows, audit rows) per transaction
 * @param firstRun        how long after start the first run waits (start-up is left to the channels)
 * @param interval        time between runs
 */
public record RetentionSettings(int caseYears, int auditYears, int batchSize, Duration firstRun,
                                Duration interval) {

  public RetentionSettings {
    if (caseYears < 1 || auditYears <= caseYears || batchSize < 1) {
      throw new IllegalArgumentException("retention: years at least 1, audit kept longer than cases");
    }
  }

  /** The shipped defaults: cases 5 years, audit 10 years; daily, first run a minute after start. */
  public static RetentionSettings defaults() {
    return new RetentionSettings(5, 10, 100, Duration.ofMinutes(1), Duration.ofDays(1));
  }
}
