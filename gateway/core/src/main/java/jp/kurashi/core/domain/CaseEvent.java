package jp.kurashi.core.domain;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Something happened to a case. Carries ids only, never message text: listeners read
 * content through the store, where access is checked.
 *
 * @param type       e.g. {@code message.received}, {@code message.queued}, {@code message.delivered}
 * @param messageId  the message concerned, or {@code null}
 */
public record CaseEvent(String type, long officeId, long caseId, long contactId, Long messageId, String channel,
                        Instant at) {

  public static final String MESSAGE_RECEIVED = "message.received";
  public static final String MESSAGE_QUEUED = "message.queued";
  public static final String MESSAGE_SENT = "message.sent";
  public static final String MESSAGE_FAILED = "message.failed";
  /** Triage found a crisis: consoles raise an alert. */
  public static final String CASE_CRISIS = "case.crisis";
  /** Triage changed a case's categories or urgency. */
  public static final String CASE_TRIAGED = "case.triaged";
  /** The resident is typing (web chat). */
  public static final String RESIDENT_TYPING = "typing.resident";
  /** A consultant is typing a reply. */
  public static final String STAFF_TYPING = "typing.staff";

  public JsonObject toJson() {
    return new JsonObject()
        .put("type", type)
        .put("officeId", officeId)
        .put("caseId", caseId)
        .put("contactId", contactId)
        .put("messageId", messageId)
        .put("channel", channel)
        .put("at", at.toString());
  }

  /** Reads an event written by {@link #toJson()}; malformed input is an {@link IllegalArgumentException}. */
  public static CaseEvent fromJson(JsonObject json) {
    try {
      return new CaseEvent(
          json.getString("type"),
          json.getLong("officeId"),
          json.getLong("caseId"),
          json.getLong("contactId"),
          json.getLong("messageId"),
          json.getString("channel"),
          Instant.parse(json.getString("at")));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a case event", e);
    }
  }
}
