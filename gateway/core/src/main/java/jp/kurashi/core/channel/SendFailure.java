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
  private final Duration retryAfter;

  private SendFailure(String reason, boolean permanent, Duration retryAfter) {
    super(reason, null, false, false);
    this.permanent = permanent;
    this.retryAfter = retryAfter;
  }

  /** Retrying may succeed (timeouts, 5xx, 429); {@code retryAfter} is the channel's hint or {@code null}. */
  public static SendFailure transientError(String reason, Duration retryAfter) {
    return new SendFailure(reason, false, retryAfter);
  }

  /** Retrying cannot succeed (recipient blocked the account, invalid address). */
  public static SendFailure permanent(String reason) {
    return new SendFailure(reason, true, null);
  }

  public boolean isPermanent() {
    return permanent;
  }

  /** The channel's Retry-After, or {@code null}. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
