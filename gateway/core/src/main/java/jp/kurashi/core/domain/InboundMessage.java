package jp.kurashi.core.domain;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message a resident sent, as a connector hands it to the pipeline.
 *
 * @param channel         channel code, e.g. {@code webchat}, {@code line}, {@code mail}
 * @param externalId      the channel's own id for this message; a repeat of it is the same message
 * @param contactRef      the channel's id for the sender (LINE user id, mail address, chat session)
 * @param contactName     display name if the channel knows one, else {@code null}
 * @param text            the message text as the resident wrote it
 * @param receivedAt      when the channel received it
 * @param attachments     files that came with it, checked by the connector
 * @param subject         the mail subject, {@code null} for channels without one
 * @param automated       sent by a machine (auto-reply, bulk, bounce): stored, never answered
 * @param caseHint        the case this message continues (mail threading), or {@code null} to use
 *                        the contact's open case; a hint to a closed or missing case is ignored
 * @param channelMessageId the channel's id of the message where it differs from {@code externalId} (LINE's
 *                        message id, which an unsend names), stored with the message in the same commit; or {@code null}
 * @param senderUnverified the channel checked who sent it and could not confirm it (a mail without the desk's DMARC pass):
 *                        staff see it marked, and nothing in it counts as the resident's consent
 */
public record InboundMessage(
    String channel,
    String externalId,
    String contactRef,
    String contactName,
    String text,
    Instant receivedAt,
    List<InboundAttachment> attachments,
    String subject,
    boolean automated,
    Long caseHint,
    String channelMessageId,
    boolean senderUnverified) {

  /** Longest external id or contact reference accepted; longer ones are a connector bug. */
  public static final int MAX_REF_LENGTH = 512;

  public InboundMessage {
    requireRef("channel", channel);
    requireRef("externalId", externalId);
    requireRef("contactRef", contactRef);
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(receivedAt, "receivedAt");
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
  }

  /** A message whose sender the channel does not check, or checked and confirmed. */
  public InboundMessage(String channel, String externalId, String contactRef, String contactName, String text,
                        Instant receivedAt, List<InboundAttachment> attachments, String subject, boolean automated,
                        Long caseHint, String channelMessageId) {
    this(channel, externalId, contactRef, contactName, text, receivedAt, attachments, subject, automated, caseHint,
        channelMessageId, false);
  }

  /** A message the channel names by its external id only. */
  public InboundMessage(String channel, String externalId, String contactRef, String contactName, String text,
                        Instant receivedAt, List<InboundAttachment> attachments, String subject, boolean automated,
                        Long caseHint) {
    this(channel, externalId, contactRef, contactName, text, receivedAt, attachments, subject, automated, caseHint,
        null);
  }

  /** A message without attachments. */
  public InboundMessage(String channel, String externalId, String contactRef, String contactName, String text,
                        Instant receivedAt) {
    this(channel, externalId, contactRef, contactName, text, receivedAt, List.of(), null, false, null);
  }

  /** A message with attachments. */
  public InboundMessage(String channel, String externalId, String contactRef, String contactName, String text,
                        Instant receivedAt, List<InboundAttachment> attachments) {
    this(channel, externalId, contactRef, contactName, text, receivedAt, attachments, null, false, null);
  }

  /** The same message with other text, name and subject (normalisation keeps everything else). */
  public InboundMessage withText(String newText, String newName, String newSubject) {
    return new InboundMessage(channel, externalId, contactRef, newName, newText, receivedAt, attachments, newSubject,
        automated, caseHint, channelMessageId, senderUnverified);
  }

  private static void requireRef(String name, String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(name + " must not be blank");
    }
    if (value.length() > MAX_REF_LENGTH) {
      throw new IllegalArgumentException(name + " is longer than " + MAX_REF_LENGTH);
    }
  }
}
