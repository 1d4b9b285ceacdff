package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.InboundAttachment;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.IngestResult;

import java.time.Instant;
import java.util.Collection;
import java.time.Clock;
import java.util.Optional;
import java.util.Objects;
import java.util.Map;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * Writes messages: residents' inbound ones (idempotently) and staff replies with their outbox row.
 */
public final class MessageStore {

  /** At most this many messages share one transaction. */
  private static final int GROUP_COMMIT_MAX_BATCH = 64;
  /**
   * Transactions of inbound messages committing at once; further messages wait and then share the next
   * one. Two keep the server busy while the client reads the other's result; more only make the batches
   * smaller, and each statement costs the server nearly as much to start and commit as to store a message
   * (measured on 2 cores: 2 in flight averaged 5-7 messages a statement, 4 in flight 2.6-3.6, and stored fewer
   * per second; docs/BENCHMARKS.md, issue 12).
   */
  static final int GROUP_COMMIT_IN_FLIGHT = 2;

  private static final GroupIngest GROUP = new GroupIngest(MessageStore::ingestOn);

  private final Pool pool;
  private final Clock clock;
  private final GroupCommit groupCommit;

  public MessageStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    this.groupCommit = new GroupCommit(pool, MessageStore::ingestOn, GROUP_COMMIT_MAX_BATCH, GROUP_COMMIT_IN_FLIGHT);
  }

  /**
   * A store whose inbound messages are committed on {@code inbound}, a pool of their own (see
   * {@link Database#inbound()}), and everything else on {@code pool}.
   */
  public MessageStore(Pool pool, Pool inbound, Clock clock) {
    this.pool = pool;
    this.clock = clock;
    this.groupCommit = new GroupCommit(inbound, MessageStore::ingestOn, GROUP_COMMIT_MAX_BATCH, GROUP_COMMIT_IN_FLIGHT);
  }

  private OffsetDateTime now() {
    return clock.instant().atOffset(ZoneOffset.UTC);
  }

  /**
   * Stores one inbound message; completes after the commit that holds it. Messages arriving together
   * share a transaction (group commit). A repeat of its external id is a no-op.
   */
  public Future<IngestResult> ingest(long officeId, InboundMessage message) {
    if (message.attachments().isEmpty()) {
      return groupCommit.submit(officeId, message);
    }
    return pool.withTransaction(conn -> ingestOn(conn, officeId, message));
  }

  /**
   * Stores several inbound messages (one webhook's events) in one transaction, set-based like a group commit;
   * the results are in the order given.
   */
  public Future<List<IngestResult>> ingestAll(long officeId, List<InboundMessage> messages) {
    List<GroupIngest.Request> requests = messages.stream().map(m -> new GroupIngest.Request(officeId, m)).toList();
    return pool.withTransaction(conn -> GROUP.on(conn, requests)).compose(results -> {
      // A message another transaction stored meanwhile: asked again now, it answers as the duplicate it is.
      List<Future<IngestResult>> all = new ArrayList<>(results.size());
      for (int i = 0; i < results.size(); i++) {
        all.add(results.get(i) != null ? Future.succeededFuture(results.get(i)) : ingestOn(pool, officeId, messages.get(i)));
      }
      return Future.all(all).map(v -> all.stream().map(Future::result).toList());
    });
  }

  /** INGEST for one message (and its attachments) on {@code client}. */
  static Future<IngestResult> ingestOn(SqlClient client, long officeId, InboundMessage m) {
    Tuple params = Tuple.tuple()
        .addLong(officeId).addString(m.channel()).addString(m.contactRef()).addString(m.externalId())
        .addString(m.contactName()).addString(m.text()).addOffsetDateTime(m.receivedAt().atOffset(ZoneOffset.UTC))
        .addString(m.subject()).addBoolean(m.automated()).addLong(m.caseHint()).addString(m.channelMessageId())
        .addBoolean(m.senderUnverified());
    return client.preparedQuery(MessageSql.INGEST).execute(params).compose(rows -> {
      if (rows.size() > 0) {
        Row row = rows.iterator().next();
        IngestResult result = new IngestResult(
            row.getLong("message_id"), row.getLong("case_id"), row.getLong("contact_id"),
            row.getBoolean("duplicate"), row.getBoolean("opened"));
        return result.duplicate() ? Future.succeededFuture(result) : storeAttachments(client, m, result);
      }
      // A concurrent delivery of the same external id committed first: report its row.
      return client.preparedQuery(MessageSql.FIND_BY_EXTERNAL_ID)
          .execute(Tuple.of(m.channel(), m.externalId(), officeId))
          .map(MessageStore::firstAsDuplicate);
    });
  }

  private static Future<IngestResult> storeAttachments(SqlClient client, InboundMessage m, IngestResult stored) {
    if (m.attachments().isEmpty()) {
      return Future.succeededFuture(stored);
    }
    List<Tuple> rows = new ArrayList<>();
    for (InboundAttachment a : m.attachments()) {
      rows.add(Tuple.of(stored.messageId(), a.contentType(), a.fileName(), a.data().length, Buffer.buffer(a.data())));
    }
    return client.preparedQuery(MessageSql.INSERT_ATTACHMENT).executeBatch(rows).map(v -> stored);
  }

  /** A stored resident message whose after-commit steps are still to run, as the pipeline saw it at commit. */
  public record Unfinished(InboundMessage message, IngestResult stored) {
  }

  /**
   * Resident messages on {@code channels} received in [{@code since}, {@code before}) that were never triaged
   * (the gateway stopped between commit and triage, or shed the work in a flood), oldest first.
   */
  public Future<List<Unfinished>> unfinished(long officeId, Collection<String> channels, Instant since, Instant before,
                                             int limit) {
    return pool.preparedQuery(MessageSql.UNFINISHED)
        .execute(Tuple.of(channels.toArray(String[]::new), since.atOffset(ZoneOffset.UTC),
            before.atOffset(ZoneOffset.UTC), limit, officeId))
        .map(rows -> {
          List<Unfinished> found = new ArrayList<>(rows.size());
          for (Row r : rows) {
            InboundMessage m = new InboundMessage(r.getString("channel"), r.getString("external_id"),
                r.getString("contact_ref"), null, java.util.Objects.requireNonNullElse(r.getString("body"), ""),
                r.getOffsetDateTime("created_at").toInstant(), List.of(), r.getString("subject"), false, null,
                r.getString("channel_message_id"), r.getBoolean("sender_unverified"));
            found.add(new Unfinished(m, new IngestResult(r.getLong("id"), r.getLong("case_id"),
                r.getLong("contact_id"), false, false)));
          }
          return found;
        });
  }

  /** A message its sender took back: {@code [messageId, caseId]}. */
  public record Unsent(long messageId, long caseId, long contactId, Instant at) {
  }

  /**
   * Erases an inbound message its sender took back (text, subject, attachments, triage findings) and audits it;
   * empty when no such message of that sender exists or it was already taken back.
   */
  public Future<Optional<Unsent>> unsend(long officeId, String channel, String contactRef, String channelMessageId) {
    return pool.preparedQuery(MessageSql.UNSEND)
        .execute(Tuple.of(channel, contactRef, channelMessageId, clock.instant().atOffset(ZoneOffset.UTC), officeId))
        .map(rows -> {
          if (rows.size() == 0) {
            return Optional.empty();
          }
          Row row = rows.iterator().next();
          return Optional.of(new Unsent(row.getLong("id"), row.getLong("case_id"), row.getLong("contact_id"),
              row.getOffsetDateTime("unsent_at").toInstant()));
        });
  }

  private static IngestResult firstAsDuplicate(RowSet<Row> rows) {
    if (rows.size() == 0) {
      throw new IllegalStateException("message neither inserted nor found");
    }
    Row row = rows.iterator().next();
    return new IngestResult(row.getLong("id"), row.getLong("case_id"), row.getLong("contact_id"), true, false);
  }

  /**
   * Stores a reply and its outbox row in one transaction.
   *
   * @param staffId the consultant who wrote it, or {@code null} for an automatic (system) message
   * @return the new message; a failed {@link NotFoundException} when the case does not exist, or
   *     {@link ContactUnreachableException} when the channel can no longer reach the resident
   */
  public Future<QueuedReply> queueReply(long caseId, Long staffId, String text) {
    return pool.withTransaction(conn -> queueReplyOn(conn, caseId, staffId, text, now()));
  }

  /**
   * A consultant's reply written in the console's draft {@code draftId}, once: sending the same draft again (its answer
   * was lost, so the console could not know it was queued) gives the reply queued the first time, and queues nothing.
   *
   * @return the reply, and whether it had been queued already; a failed {@link DraftSentException} when the draft was
   *     queued with another text or by someone else, or as {@link #queueReply}
   */
  public Future<DraftReply> queueDraft(long caseId, long staffId, String text, UUID draftId) {
    return pool.withTransaction(conn -> insertReply(conn, caseId, staffId, text, now(), draftId)
        .compose(inserted -> inserted.isPresent()
            ? Future.succeededFuture(new DraftReply(inserted.get(), false))
            : conn.preparedQuery(MessageSql.REPLY_OF_DRAFT).execute(Tuple.of(caseId, draftId))
                .compose(found -> found.size() == 0
                    ? unqueued(conn, caseId)
                    : sameDraft(found.iterator().next(), caseId, staffId, text))));
  }

  private static Future<DraftReply> sameDraft(Row row, long caseId, long staffId, String text) {
    // A note's draft is not a reply's, even with the same words: only a reply queued before is this reply.
    if (!"out".equals(row.getString("direction")) || !text.equals(row.getString("body"))
        || !Long.valueOf(staffId).equals(row.getLong("staff_id"))) {
      return Future.failedFuture(new DraftSentException(caseId));
    }
    return Future.succeededFuture(new DraftReply(new QueuedReply(row.getLong("id"), caseId, row.getLong("contact_id"),
        row.getLong("office_id"), row.getString("channel"), row.getUUID("idempotency_key")), true));
  }

  /**
   * The consent request, once per contact and notice version: marks the contact asked for {@code version} and queues
   * the request in one transaction, so a failure or a kill between the two cannot leave the contact marked asked with no
   * request ever sent. {@code text} gives the request in the contact's language ("" when unknown).
   *
   * @return the request queued, or empty when this contact agreed to or was asked for {@code version} already
   */
  public Future<Optional<QueuedReply>> queueConsentRequestOnce(long caseId, long contactId, String version,
                                                               Function<String, String> text) {
    return pool.withTransaction(conn -> conn.preparedQuery(ContactSql.ASK_CONSENT_ONCE)
        .execute(Tuple.of(contactId, version))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.<QueuedReply>empty())
            : queueReplyOn(conn, caseId, null,
                text.apply(Objects.requireNonNullElse(rows.iterator().next().getString("language"), "")), now())
                .map(Optional::of)));
  }

  /**
   * The reply path inside a caller's transaction (a handoff's confirmation is queued with the handoff): the
   * message, its outbox row and the case's last-message time.
   */
  static Future<QueuedReply> queueReplyOn(SqlClient conn, long caseId, Long staffId, String text, OffsetDateTime now) {
    return insertReply(conn, caseId, staffId, text, now, null)
        .compose(inserted -> inserted.isPresent() ? Future.succeededFuture(inserted.get()) : unqueued(conn, caseId));
  }

  /** The reply, its outbox row and the case's last-message time; empty when nothing was inserted. */
  private static Future<Optional<QueuedReply>> insertReply(SqlClient conn, long caseId, Long staffId, String text,
                                                           OffsetDateTime now, UUID draftId) {
    return conn.preparedQuery(MessageSql.INSERT_REPLY)
        .execute(Tuple.of(caseId, text, staffId, now, draftId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(Optional.empty());
          }
          Row row = rows.iterator().next();
          QueuedReply reply = new QueuedReply(row.getLong("id"), caseId, row.getLong("contact_id"),
              row.getLong("office_id"), row.getString("channel"), UUID.randomUUID());
          return conn.preparedQuery(MessageSql.INSERT_OUTBOX)
              .execute(Tuple.of(reply.messageId(), reply.channel(), reply.idempotencyKey()))
              .compose(v -> conn.preparedQuery(MessageSql.TOUCH_CASE).execute(Tuple.of(caseId, now)))
              .map(v -> Optional.of(reply));
        });
  }

  /** Why a reply was not stored: the case is missing, merged into another, or its contact cannot be reached. */
  private static <T> Future<T> unqueued(SqlClient conn, long caseId) {
    return conn.preparedQuery(MessageSql.CASE_CONTACT_REACHABLE).execute(Tuple.of(caseId))
        .compose(found -> {
          if (found.size() == 0) {
            return Future.failedFuture(new NotFoundException("case " + caseId));
          }
          Long mergedInto = found.iterator().next().getLong("merged_into");
          return Future.failedFuture(mergedInto != null ? new CaseMergedException(caseId, mergedInto)
              : new ContactUnreachableException(caseId));
        });
  }

  /**
   * Queues an automatic notice unless the case had one within {@code minGap}, in one statement (one commit):
   * the text is chosen by the contact's language in the database, so nothing is read first. It goes to the contact and
   * channel of {@code caseId}; a case merged into another (before, or while this waits for its row) has it stored on
   * the case that holds its thread now, and that case's slot decides.
   *
   * @param textByLanguage the notice in each language the desk writes
   * @param fallback       the notice for a contact of any other language
   * @return the queued notice, or empty when the case had one recently or the resident cannot be reached
   */
  public Future<Optional<QueuedReply>> queueAutoNotice(long caseId, Duration minGap, Map<String, String> textByLanguage,
                                                       String fallback) {
    return queueNotice(MessageSql.QUEUE_AUTO_NOTICE, caseId, minGap, textByLanguage, fallback);
  }

  /**
   * Queues the safety message unless the case had one within {@code minGap}, in one statement (one commit); a merged
   * case as {@link #queueAutoNotice} says.
   *
   * @param asNotice also take the automatic-notice slot, so no out-of-hours notice follows within its gap
   *                 (for a safety message that carries the opening hours)
   * @return the queued message, or empty when the case had one recently or the resident cannot be reached
   */
  public Future<Optional<QueuedReply>> queueSafetyNotice(long caseId, Duration minGap,
                                                         Map<String, String> textByLanguage, String fallback,
                                                         boolean asNotice) {
    return queueNotice(MessageSql.QUEUE_SAFETY_NOTICE, caseId, minGap, textByLanguage, fallback, asNotice);
  }

  private Future<Optional<QueuedReply>> queueNotice(String sql, long caseId, Duration minGap,
                                                    Map<String, String> textByLanguage, String fallback,
                                                    Object... more) {
    List<String> languages = new ArrayList<>(textByLanguage.keySet());
    String[] texts = languages.stream().map(textByLanguage::get).toArray(String[]::new);
    UUID key = UUID.randomUUID();
    OffsetDateTime at = now();
    LongFunction<Tuple> storedOn = holder -> {
      Tuple params = Tuple.of(caseId, (double) minGap.toSeconds(), at, languages.toArray(String[]::new), texts,
          fallback, key, holder);
      for (Object p : more) {
        params.addValue(p);
      }
      return params;
    };
    return queueNoticeOn(sql, storedOn, caseId, key, MERGES_FOLLOWED);
  }

  /** Merges that may land between two tries of one notice; each try follows every merge committed before it. */
  private static final int MERGES_FOLLOWED = 3;

  private Future<Optional<QueuedReply>> queueNoticeOn(String sql, LongFunction<Tuple> storedOn, long holder, UUID key,
                                                      int mergesLeft) {
    return pool.preparedQuery(sql).execute(storedOn.apply(holder)).compose(rows -> {
      if (rows.size() > 0) {
        Row row = rows.iterator().next();
        return Future.succeededFuture(Optional.of(new QueuedReply(row.getLong("id"), row.getLong("case_id"),
            row.getLong("contact_id"), row.getLong("office_id"), row.getString("channel"), key)));
      }
      if (mergesLeft == 0) {
        return Future.succeededFuture(Optional.empty());
      }
      return pool.preparedQuery(MessageSql.THREAD_NOW_HELD_BY).execute(Tuple.of(holder))
          .compose(held -> held.size() == 0 ? Future.succeededFuture(Optional.<QueuedReply>empty())
              : queueNoticeOn(sql, storedOn, held.iterator().next().getLong("id"), key, mergesLeft - 1));
    });
  }

  /** A consultant's reply from a console draft, and whether that draft had been queued before this request. */
  public record DraftReply(QueuedReply reply, boolean alreadyQueued) {
  }

  /** A reply stored and waiting in the outbox. */
  public record QueuedReply(long messageId, long caseId, long contactId, long officeId, String channel,
                            UUID idempotencyKey) {
  }
}
