package jp.kurashi.core.outbox;

import java.time.Duration;

/**
 * How the outbox worker runs.
 *
 * @param batchSize    most replies one worker sends at once
 * @param pollInterval how often it looks for due rows when nobody wakes it
 * @param lease        how long a claimed row stays hidden from other workers; longer than any send (a channel
 *                     that bounds its own sends gets at least twice its wait instead)
 * @param sendTimeout  longest wait for a channel before counting the attempt as failed; for a channel that bounds
 *                     its own sends, the margin added to that bound
 * @param retry        backoff and last attempt
 */
public record OutboxSettings(int batchSize, Duration pollInterval, Duration lease, Duration sendTimeout,
                             RetryPolicy retry) {

  public OutboxSettings {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1");
    }
    if (lease.compareTo(sendTimeout.multipliedBy(2)) < 0) {
      throw new IllegalArgumentException("lease must be at least twice the send timeout");
    }
  }
}
