package jp.kurashi.core.domain;

/**
 * Where a message stands with its channel.
 */
public enum Delivery {
  /** An inbound message, stored. */
  RECEIVED,
  /** A reply waiting in the outbox. */
  QUEUED,
  /** The channel accepted the reply. */
  SENT,
  /** The channel refused, or every attempt failed; the reason is kept. */
  FAILED,
  /** Nothing to deliver: an internal note. */
  NONE;

  public String code() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static Delivery fromCode(String code) {
    return valueOf(code.toUpperCase(java.util.Locale.ROOT));
  }
}
