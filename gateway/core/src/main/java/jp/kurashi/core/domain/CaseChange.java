package jp.kurashi.core.domain;

/**
 * A case as a command left it: what a queue row and an open case need to update without reading it again.
 *
 * @param status     {@code open} or {@code closed}
 * @param assigneeId the consultant in charge, or {@code null}
 * @param urgency    {@code crisis}, {@code urgent} or {@code normal}
 */
public record CaseChange(long caseId, long officeId, long contactId, String channel, String status, Long assigneeId,
                         String urgency) {
}
