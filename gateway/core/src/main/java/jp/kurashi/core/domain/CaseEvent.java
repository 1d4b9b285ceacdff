package jp.kurashi.core.domain;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * Something happened to a case. Carries ids and states only, never message text: listeners read
 * content through the store, where access is checked.
 *
 * <p>A case command's event also carries the case's state after it ({@code status}, {@code assigneeId},
 * {@code urgency}), so a console patches its queue row without asking again; the other fields are {@code null}
 * where they do not apply.
 *
 * <pre>{@code
 * events.publish(CaseEvent.of(CaseEvent.CASE_CLAIMED, change, clock.instant()));
 * }</pre>
 *
 * @param type        e.g. {@code message.received}, {@code message.queued}, {@code case.claimed}
 * @param messageId   the message concerned, or {@code null}
 * @param otherCaseId the case kept by a merge, the case linked by a link, else {@code null}
 * @param handoffId   the handoff created, else {@code null}
 * @param complaint   whether the case is now marked a complaint ({@code complaint.recorded}), else {@code null}
 */
public record CaseEvent(String type, long officeId, long caseId, long contactId, Long messageId, String channel,
                        Instant at, String status, Long assigneeId, String urgency, Long otherCaseId, Long handoffId,
                        Boolean complaint) {

  public static final String MESSAGE_RECEIVED = "message.received";
  public static final String MESSAGE_QUEUED = "message.queued";
  /** The resident took a message back (LINE unsend): an open thread shows it erased. */
  public static final String MESSAGE_UNSENT = "message.unsent";
  public static final String MESSAGE_SENT = "message.sent";
  public static final String MESSAGE_FAILED = "message.failed";
  /** A reply no gateway has taken for a long time: still queued, with the reason as its delivery error. */
  public static final String MESSAGE_WAITING = "message.waiting";
  /** Triage found a crisis: consoles raise an alert. */
  public static final String CASE_CRISIS = "case.crisis";
  /** Triage changed a case's categories or urgency. */
  public static final String CASE_TRIAGED = "case.triaged";
  /** A consultant took an unassigned case. */
  public static final String CASE_CLAIMED = "case.claimed";
  /** The chief gave a case to a consultant. */
  public static final String CASE_ASSIGNED = "case.assigned";
  public static final String CASE_CLOSED = "case.closed";
  public static final String CASE_REOPENED = "case.reopened";
  /** A duplicate case was folded into {@code otherCaseId}: its messages moved there, it is closed. */
  public static final String CASE_MERGED = "case.merged";
  /** The residents of two cases were linked as one person: each case now shows the other's thread. */
  public static final String CASE_LINKED = "case.linked";
  /** A case was marked (or unmarked) a complaint. */
  public static final String COMPLAINT_RECORDED = "complaint.recorded";
  /** A handoff to in-person support; {@code messageId} is the confirmation queued to the resident, if any. */
  public static final String HANDOFF_CREATED = "handoff.created";
  /** A failed reply went back to the outbox. */
  public static final String REPLY_RETRIED = "reply.retried";
  /** A consultant added an internal note ({@code messageId}). */
  public static final String NOTE_ADDED = "note.added";
  /** A file came in after its message ({@code messageId}; a LINE photo fetched after the webhook): an open thread shows it. */
  public static final String ATTACHMENT_STORED = "attachment.stored";
  /** The resident is typing (web chat). */
  public static final String RESIDENT_TYPING = "typing.resident";
  /** A consultant is typing a reply. */
  public static final String STAFF_TYPING = "typing.staff";
  /**
   * A resident ended their web chat ({@code contactId}; no case): every instance closes that chat's sockets, so a tab
   * left open on a shared PC shows no more of it. Not a case event: consoles are not told.
   */
  public static final String CHAT_ENDED = "chat.ended";
  /**
   * A resident opened their web chat on another device with its resume code ({@code contactId}; no case): the chat has
   * a new token, and every instance closes the sockets opened with the old one. Not a case event either.
   */
  public static final String CHAT_MOVED = "chat.moved";

  /** A message or typing event: no case state. */
  public CaseEvent(String type, long officeId, long caseId, long contactId, Long messageId, String channel,
                   Instant at) {
    this(type, officeId, caseId, contactId, messageId, channel, at, null, null, null, null, null, null);
  }

  /** A case command's event, with the case's state after it. */
  public static CaseEvent of(String type, CaseChange change, Instant at) {
    return new CaseEvent(type, change.officeId(), change.caseId(), change.contactId(), null, change.channel(), at,
        change.status(), change.assigneeId(), change.urgency(), null, null, null);
  }

  public CaseEvent withMessage(Long id) {
    return new CaseEvent(type, officeId, caseId, contactId, id, channel, at, status, assigneeId, urgency, otherCaseId,
        handoffId, complaint);
  }

  public CaseEvent withOtherCase(Long id) {
    return new CaseEvent(type, officeId, caseId, contactId, messageId, channel, at, status, assigneeId, urgency, id,
        handoffId, complaint);
  }

  public CaseEvent withHandoff(Long id) {
    return new CaseEvent(type, officeId, caseId, contactId, messageId, channel, at, status, assigneeId, urgency,
        otherCaseId, id, complaint);
  }

  public CaseEvent withComplaint(Boolean flag) {
    return new CaseEvent(type, officeId, caseId, contactId, messageId, channel, at, status, assigneeId, urgency,
        otherCaseId, handoffId, flag);
  }

  /**
   * Whether consoles are told of it: every case event is; a web chat's own end or move is between the gateway's instances,
   * and names a contact without a case, which a console must not learn of.
   */
  public boolean forStaff() {
    return !CHAT_ENDED.equals(type) && !CHAT_MOVED.equals(type);
  }

  /** The event as JSON; fields that do not apply are left out. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("type", type)
        .put("officeId", officeId)
        .put("caseId", caseId)
        .put("contactId", contactId)
        .put("messageId", messageId)
        .put("channel", channel)
        .put("at", at.toString());
    putIfSet(json, "status", status);
    putIfSet(json, "assigneeId", assigneeId);
    putIfSet(json, "urgency", urgency);
    putIfSet(json, "otherCaseId", otherCaseId);
    putIfSet(json, "handoffId", handoffId);
    putIfSet(json, "complaint", complaint);
    return json;
  }

  private static void putIfSet(JsonObject json, String key, Object value) {
    if (value != null) {
      json.put(key, value);
    }
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
          Instant.parse(json.getString("at")),
          json.getString("status"),
          json.getLong("assigneeId"),
          json.getString("urgency"),
          json.getLong("otherCaseId"),
          json.getLong("handoffId"),
          json.getBoolean("complaint"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a case event", e);
    }
  }
}
