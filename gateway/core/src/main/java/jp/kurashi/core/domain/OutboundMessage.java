package jp.kurashi.core.domain;

import java.util.UUID;

/**
 * A reply on its way to a resident, as the outbox hands it to a connector.
 *
 * @param messageId       the stored message
 * @param caseId          its case
 * @param channel         channel code
 * @param contactRef      the channel's id for the recipient
 * @param text            the reply text
 * @param idempotencyKey  the same on every attempt, so a channel can drop a repeat (LINE's X-Line-Retry-Key)
 * @param attempt         1 for the first try
 * @param automatic       true for a message no consultant wrote (notice, safety message, confirmation)
 */
public record OutboundMessage(
    long messageId,
    long caseId,
    String channel,
    String contactRef,
    String text,
    UUID idempotencyKey,
    int attempt,
    boolean automatic) {
}
