package jp.kurashi.core.channel;

import java.time.Duration;

/**
 * Why a channel did not take a reply, and whether trying again can help.
 *
 * <p>The message is shown to staff as the reason, so it should be the channel's own words
 * and must not contain tokens or message text.
 */
public final class SendFailure extends RuntimeException {

  private final boolean permanent;
  private final boolean mayHaveArrived;
  private final Duration retryAfter;

  private SendFailure(String reason, boolean permanent, boolean mayHaveArrived, Duration retryAfter) {
    super(reason, null, false, false);
    this.permanent = permanent;
    this.mayHaveArrived = mayHaveArrived;
    this.retryAfter = retryAfter;
  }

  /**
   * Retrying may succeed, and the channel may have taken the reply all the same (a timeout, a 5xx, a connection lost
   * after the request went out); {@code retryAfter} is the channel's hint or {@code null}.
   */
  public static SendFailure transientError(String reason, Duration retryAfter) {
    return new SendFailure(reason, false, true, retryAfter);
  }

  /** Retrying may succeed, and the channel said it did not take the reply (429, refused before the request went). */
  public static SendFailure notTaken(String reason, Duration retryAfter) {
    return new SendFailure(reason, false, false, retryAfter);
  }

  /** Retrying cannot succeed (recipient blocked the account, invalid address). */
  public static SendFailure permanent(String reason) {
    return new SendFailure(reason, true, false, null);
  }

  /**
   * The same failure, after part of the reply (or an earlier try at it) may already have reached the resident: a long
   * reply sent in parts, the first taken and a later one refused. {@code saying} comes before the reason, for staff.
   */
  public SendFailure afterPartMayHaveArrived(String saying) {
    return new SendFailure(saying + getMessage(), permanent, true, retryAfter);
  }

  public boolean isPermanent() {
    return permanent;
  }

  /** Whether the channel may have taken the reply although this attempt failed. */
  public boolean mayHaveArrived() {
    return mayHaveArrived;
  }

  /** The channel's Retry-After, or {@code null}. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
