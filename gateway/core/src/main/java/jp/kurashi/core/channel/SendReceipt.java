package jp.kurashi.core.channel;

/**
 * A channel's acknowledgement of a reply.
 *
 * @param externalId the channel's id for the sent message (e.g. a Message-ID), or {@code null}
 */
public record SendReceipt(String externalId) {

  public static SendReceipt accepted() {
    return new SendReceipt(null);
  }
}
