package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.AttachmentInfo;
import jp.kurashi.core.domain.CaseDetail;
import jp.kurashi.core.domain.CaseMessage;
import jp.kurashi.core.domain.CaseSummary;
import jp.kurashi.core.domain.Delivery;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads cases. Summaries carry no message text; {@link #detail} does, and callers must
 * check access and write the audit row before showing it.
 */
public final class CaseStore {

  private final Pool pool;
  private final Clock clock;

  public CaseStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  /**
   * One page of the office's cases with this status, most pressing first, starting after {@code after} (null: the
   * first page); {@code next} is set when more follow.
   */
  public Future<QueuePage> list(long officeId, String status, int limit, QueueCursor after) {
    return list(officeId, status, limit, after, null);
  }

  /** {@link #list}, only the cases whose follow-up day is {@code dueBy} or earlier (null: every case). */
  public Future<QueuePage> list(long officeId, String status, int limit, QueueCursor after, LocalDate dueBy) {
    Tuple params = Tuple.of(officeId, status, (long) limit + 1)
        .addValue(after == null ? null : after.urgencyRank())
        .addValue(after == null || after.lastInboundAt() == null ? null : after.lastInboundAt().atOffset(ZoneOffset.UTC))
        .addValue(after == null ? null : after.caseId())
        .addLocalDate(dueBy);
    return pool.preparedQuery(CaseSql.LIST).execute(params).map(rows -> {
      List<CaseSummary> cases = new ArrayList<>(rows.size());
      rows.forEach(row -> cases.add(summary(row)));
      if (cases.size() <= limit) {
        return new QueuePage(cases, null);
      }
      List<CaseSummary> page = List.copyOf(cases.subList(0, limit));
      return new QueuePage(page, QueueCursor.after(page.get(limit - 1)));
    });
  }

  /**
   * The office's cases where {@code phrase} is in the contact's name or address or in a message, newest activity
   * first: every case when {@code onlyAssignedTo} is null (the chief), else only that consultant's.
   */
  public Future<List<CaseSummary>> search(long officeId, String phrase, Long onlyAssignedTo, String status, int limit) {
    // The index holds bigrams of the NFKC form (ｶﾞ is ガ, one character): a phrase with none looks case by case, as
    // does a consultant's search, which only ever reads their own few cases.
    String folded = java.text.Normalizer.normalize(phrase, java.text.Normalizer.Form.NFKC);
    boolean byCase = onlyAssignedTo != null || folded.codePointCount(0, folded.length()) < 2;
    String sql = byCase ? CaseSql.SEARCH_SHORT : CaseSql.SEARCH;
    return pool.preparedQuery(sql).execute(Tuple.of(officeId, phrase, onlyAssignedTo, status, limit))
        .map(rows -> {
          List<CaseSummary> found = new ArrayList<>(rows.size());
          rows.forEach(row -> found.add(summary(row)));
          return found;
        });
  }

  /** How many of the office's cases with this status are crisis, urgent and normal (every urgency present). */
  public Future<Map<String, Long>> countsByUrgency(long officeId, String status) {
    return pool.preparedQuery(CaseSql.COUNTS).execute(Tuple.of(officeId, status)).map(rows -> {
      Map<String, Long> counts = new java.util.LinkedHashMap<>();
      List.of("crisis", "urgent", "normal").forEach(u -> counts.put(u, 0L));
      rows.forEach(row -> counts.put(row.getString("urgency"), row.getLong("n")));
      return counts;
    });
  }

  /** How many of the office's cases with this status have their follow-up day {@code today} or earlier. */
  public Future<Long> followUpsDue(long officeId, String status, LocalDate today) {
    return pool.preparedQuery(CaseSql.FOLLOW_UPS_DUE).execute(Tuple.of(officeId, status).addLocalDate(today))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** A page of the queue and where the next one starts ({@code null}: this was the last). */
  public record QueuePage(List<CaseSummary> items, QueueCursor next) {
  }

  /** One case's summary with its office, for access checks. */
  public Future<Optional<OfficeCase>> find(long caseId) {
    return pool.preparedQuery(CaseSql.SUMMARY).execute(Tuple.of(caseId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      return Optional.of(officeCase(rows.iterator().next()));
    });
  }

  /**
   * The case and every other case of the same resident (contacts staff linked), for access checks:
   * each must be checked on its own before {@link #detail} is asked for its messages.
   */
  public Future<List<OfficeCase>> thread(long caseId) {
    return pool.preparedQuery(CaseSql.THREAD).execute(Tuple.of(caseId)).map(rows -> {
      List<OfficeCase> found = new ArrayList<>(rows.size());
      rows.forEach(row -> found.add(officeCase(row)));
      return found;
    });
  }

  /** The case's own messages, with its attachments listed. */
  public Future<CaseDetail> detail(OfficeCase found) {
    return detail(found, List.of(found.summary().id()));
  }

  /**
   * One thread of {@code found} and the other cases named (the linked cases the caller may read),
   * in time order, attachments listed. The caller has checked access to every case named.
   */
  public Future<CaseDetail> detail(OfficeCase found, List<Long> readableCaseIds) {
    return messages(readableCaseIds, 0).map(messages -> new CaseDetail(found.summary(), found.contactName(), messages));
  }

  /**
   * The messages of the cases named stored after message {@code afterId} (new ones on a case already shown), in
   * time order, attachments listed. The caller has checked access to every case named.
   */
  public Future<List<CaseMessage>> messagesAfter(List<Long> readableCaseIds, long afterId) {
    return messages(readableCaseIds, afterId);
  }

  private Future<List<CaseMessage>> messages(List<Long> readableCaseIds, long afterId) {
    Tuple params = Tuple.of(readableCaseIds.toArray(new Long[0]), afterId);
    return pool.preparedQuery(CaseSql.ATTACHMENTS).execute(params).compose(attachmentRows -> {
      Map<Long, List<AttachmentInfo>> byMessage = new HashMap<>();
      for (Row row : attachmentRows) {
        AttachmentInfo a = new AttachmentInfo(row.getLong("id"), row.getLong("message_id"),
            row.getString("content_type"), row.getString("file_name"), row.getInteger("size_bytes"));
        byMessage.computeIfAbsent(a.messageId(), k -> new ArrayList<>()).add(a);
      }
      return pool.preparedQuery(CaseSql.MESSAGES).execute(params).map(rows -> {
        List<CaseMessage> messages = new ArrayList<>(rows.size());
        for (Row row : rows) {
          long messageId = row.getLong("id");
          messages.add(new CaseMessage(messageId, row.getLong("case_id"), row.getString("direction"),
              row.getString("channel"), row.getString("subject"), row.getString("body"), instant(row.getOffsetDateTime("created_at")),
              Delivery.fromCode(row.getString("delivery")), row.getString("delivery_error"), row.getLong("staff_id"),
              byMessage.getOrDefault(messageId, List.of()), row.getOffsetDateTime("unsent_at") != null,
              row.getBoolean("sender_unverified")));
        }
        return messages;
      });
    });
  }

  /** The bytes of one attachment of a case, if it belongs to that case. */
  public Future<Optional<AttachmentData>> attachment(long caseId, long attachmentId) {
    return pool.preparedQuery(CaseSql.ATTACHMENT_DATA).execute(Tuple.of(caseId, attachmentId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new AttachmentData(row.getString("content_type"), row.getString("file_name"),
          row.getBuffer("data").getBytes()));
    });
  }

  /**
   * Takes the one automatic notice a case may get per {@code minGap}; empty when one was sent
   * recently. The value is the contact's language (or {@code null} when unknown).
   */
  /** An attachment's bytes with the type it was checked to be. */
  public record AttachmentData(String contentType, String fileName, byte[] data) {
  }

  private static OfficeCase officeCase(Row row) {
    return new OfficeCase(row.getLong("office_id"), row.getLong("contact_id"), summary(row),
        row.getString("contact_name"));
  }

  private static CaseSummary summary(Row row) {
    String[] categories = row.getArrayOfStrings("categories");
    return new CaseSummary(row.getLong("id"), row.getString("channel"), row.getString("status"),
        row.getString("urgency"), categories == null ? List.of() : List.of(categories),
        instant(row.getOffsetDateTime("opened_at")), instant(row.getOffsetDateTime("last_message_at")),
        instant(row.getOffsetDateTime("last_inbound_at")), row.getLong("assignee_id"), row.getString("consulter"),
        row.getString("referral_source"), row.getLong("referral_agency_id"), row.getString("referral_agency_name"),
        row.getLocalDate("follow_up_on"), instant(row.getOffsetDateTime("consent_at")), row.getString("consent_version"),
        row.getBoolean("sender_unverified"));
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  /** A case with the office it belongs to and the contact's display name. */
  public record OfficeCase(long officeId, long contactId, CaseSummary summary, String contactName) {
  }
}
