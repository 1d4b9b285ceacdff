package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Erases what is past retention, one bounded batch per call, each batch one transaction: a crash or a failed
 * statement leaves either the whole batch erased or none of it, and no batch holds locks for long.
 *
 * <pre>{@code
 * retention.eraseClosedCases(closedBefore, 100)   // until it returns fewer cases than asked
 * }</pre>
 */
public final class RetentionStore {

  private final Pool pool;

  public RetentionStore(Pool pool) {
    this.pool = pool;
  }

  /** What one batch of erased cases took with it. */
  public record ErasedCases(int cases, int messages, int attachments, int mails, int contacts, int webchatSessions) {

    public static final ErasedCases NONE = new ErasedCases(0, 0, 0, 0, 0, 0);

    public ErasedCases plus(ErasedCases o) {
      return new ErasedCases(cases + o.cases, messages + o.messages, attachments + o.attachments, mails + o.mails,
          contacts + o.contacts, webchatSessions + o.webchatSessions);
    }
  }

  /** Leftovers past retention that belong to no case: stale contacts, web chat sessions, unlinked raw mails. */
  public record Leftovers(int contacts, int webchatSessions, int mails, int complaints) {

    public static final Leftovers NONE = new Leftovers(0, 0, 0, 0);

    public int total() {
      return contacts + webchatSessions + mails + complaints;
    }

    public Leftovers plus(Leftovers o) {
      return new Leftovers(contacts + o.contacts, webchatSessions + o.webchatSessions, mails + o.mails,
          complaints + o.complaints);
    }
  }

  /**
   * Erases up to {@code limit} cases closed before {@code closedBefore}: messages, notes, attachments, raw mails,
   * triage rows and outbox rows deleted, handoffs reduced to kind and date, the case row kept as the anonymous
   * record the monthly report counts, and contacts left without cases or messages deleted with their chats.
   */
  public Future<ErasedCases> eraseClosedCases(Instant closedBefore, int limit, Instant now) {
    return pool.withTransaction(conn -> conn.preparedQuery(RetentionSql.CLOSED_CASES)
        .execute(Tuple.of(utc(closedBefore), (long) limit))
        .compose(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(row -> ids.add(row.getLong(0)));
          return ids.isEmpty() ? Future.succeededFuture(ErasedCases.NONE) : erase(conn, ids.toArray(Long[]::new), now);
        }));
  }

  private static Future<ErasedCases> erase(SqlConnection conn, Long[] ids, Instant now) {
    Tuple cases = Tuple.of((Object) ids);
    Set<Long> contacts = new LinkedHashSet<>();
    int[] counts = new int[4];
    return conn.preparedQuery(RetentionSql.ERASE_CASES).execute(Tuple.of(ids, utc(now)))
        .compose(rows -> {
          collect(rows, contacts);
          counts[0] = rows.rowCount();
          return conn.preparedQuery(RetentionSql.ANONYMISE_HANDOFFS).execute(cases);
        })
        .compose(v -> conn.preparedQuery(RetentionSql.ERASE_CASE_RECORDS).execute(cases))
        .compose(v -> conn.preparedQuery(RetentionSql.DELETE_MAILS).execute(cases))
        .compose(rows -> {
          counts[3] = rows.rowCount();
          return conn.preparedQuery(RetentionSql.DELETE_OUTBOX).execute(cases);
        })
        .compose(v -> conn.preparedQuery(RetentionSql.DELETE_ATTACHMENTS).execute(cases))
        .compose(rows -> {
          counts[2] = rows.rowCount();
          return conn.preparedQuery(RetentionSql.DELETE_TRIAGE).execute(cases);
        })
        .compose(v -> conn.preparedQuery(RetentionSql.DELETE_MESSAGES).execute(cases))
        .compose(rows -> {
          counts[1] = rows.rowCount();
          collect(rows, contacts);
          return deleteContacts(conn, contacts);
        })
        .map(gone -> new ErasedCases(counts[0], counts[1], counts[2], counts[3], gone[0], gone[1]));
  }

  private static void collect(RowSet<Row> rows, Set<Long> into) {
    for (Row row : rows) {
      Long id = row.getLong(0);
      if (id != null) {
        into.add(id);
      }
    }
  }

  private static Future<int[]> deleteContacts(SqlConnection conn, Set<Long> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(new int[2]);
    }
    return conn.preparedQuery(RetentionSql.DELETE_CONTACTS).execute(Tuple.of((Object) ids.toArray(Long[]::new)))
        .map(rows -> {
          Row row = rows.iterator().next();
          return new int[] {row.getLong("contacts").intValue(), row.getLong("chats").intValue()};
        });
  }

  /**
   * Deletes up to {@code limit} of each kind of leftover unseen since {@code before}: contacts without cases or
   * messages (with their web chat sessions), web chat sessions that never became a contact, and handled raw
   * mails that became no message; and the words of complaints closed before {@code before}.
   */
  public Future<Leftovers> eraseLeftovers(Instant before, int limit) {
    Tuple range = Tuple.of(utc(before), (long) limit);
    return pool.withTransaction(conn -> conn.preparedQuery(RetentionSql.STALE_CONTACTS).execute(range)
        .compose(rows -> {
          Set<Long> ids = new LinkedHashSet<>();
          collect(rows, ids);
          return deleteContacts(conn, ids);
        })
        .compose(contacts -> conn.preparedQuery(RetentionSql.STALE_CHATS).execute(range)
            .compose(chats -> conn.preparedQuery(RetentionSql.STALE_MAILS).execute(range)
                .compose(mails -> conn.preparedQuery(RetentionSql.STALE_COMPLAINTS).execute(range)
                    .map(complaints -> new Leftovers(contacts[0], contacts[1] + chats.rowCount(), mails.rowCount(),
                        complaints.rowCount()))))));
  }

  /** Drops the raw bytes of up to {@code limit} handled mails fetched before {@code fetchedBefore}. */
  public Future<Integer> dropRawMails(Instant fetchedBefore, int limit) {
    return pool.preparedQuery(RetentionSql.DROP_RAW).execute(Tuple.of(utc(fetchedBefore), (long) limit))
        .map(RowSet::rowCount);
  }

  /** Deletes up to {@code limit} audit rows older than {@code before} (never one under two years old). */
  public Future<Integer> pruneAudit(Instant before, int limit) {
    return pool.preparedQuery(RetentionSql.PRUNE_AUDIT).execute(Tuple.of(utc(before), limit))
        .map(rows -> rows.iterator().next().getInteger("n"));
  }

  private static OffsetDateTime utc(Instant t) {
    return t.atOffset(ZoneOffset.UTC);
  }
}
