package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.CaseDetail;
import jp.kurashi.core.domain.CaseMessage;
import jp.kurashi.core.domain.CaseSummary;
import jp.kurashi.core.domain.Delivery;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads cases. Summaries carry no message text; {@link #detail} does, and callers must
 * check access and write the audit row before showing it.
 */
public final class CaseStore {

  private final Pool pool;

  public CaseStore(Pool pool) {
    this.pool = pool;
  }

  /** The office's cases with this status, most pressing first. */
  public Future<List<CaseSummary>> list(long officeId, String status, int limit) {
    return pool.preparedQuery(CaseSql.LIST).execute(Tuple.of(officeId, status, (long) limit)).map(rows -> {
      List<CaseSummary> cases = new ArrayList<>(rows.size());
      rows.forEach(row -> cases.add(summary(row)));
      return cases;
    });
  }

  /** One case's summary with its office, for access checks. */
  public Future<Optional<OfficeCase>> find(long caseId) {
    return pool.preparedQuery(CaseSql.SUMMARY).execute(Tuple.of(caseId)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new OfficeCase(row.getLong("office_id"), summary(row), row.getString("contact_name")));
    });
  }

  /** The thread of a case already found with {@link #find}. */
  public Future<CaseDetail> detail(OfficeCase found) {
    return pool.preparedQuery(CaseSql.MESSAGES).execute(Tuple.of(found.summary().id())).map(rows -> {
      List<CaseMessage> messages = new ArrayList<>(rows.size());
      for (Row row : rows) {
        messages.add(new CaseMessage(row.getLong("id"), row.getString("direction"), row.getString("channel"),
            row.getString("body"), instant(row.getOffsetDateTime("created_at")),
            Delivery.fromCode(row.getString("delivery")), row.getString("delivery_error"), row.getLong("staff_id")));
      }
      return new CaseDetail(found.summary(), found.contactName(), messages);
    });
  }

  private static CaseSummary summary(Row row) {
    String[] categories = row.getArrayOfStrings("categories");
    return new CaseSummary(row.getLong("id"), row.getString("channel"), row.getString("status"),
        row.getString("urgency"), categories == null ? List.of() : List.of(categories),
        instant(row.getOffsetDateTime("opened_at")), instant(row.getOffsetDateTime("last_message_at")),
        instant(row.getOffsetDateTime("last_inbound_at")), row.getLong("assignee_id"));
  }

  private static Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }

  /** A case with the office it belongs to and the contact's display name. */
  public record OfficeCase(long officeId, CaseSummary summary, String contactName) {
  }
}
