package jp.kurashi.core.domain;

/**
 * What the pipeline did with one inbound message.
 *
 * @param messageId  the stored message (for a duplicate: the first copy's id)
 * @param caseId     the case it belongs to
 * @param contactId  the sender's contact
 * @param duplicate  true when the channel delivered this external id before
 * @param caseOpened true when this message opened a new case
 */
public record IngestResult(long messageId, long caseId, long contactId, boolean duplicate, boolean caseOpened) {
}
