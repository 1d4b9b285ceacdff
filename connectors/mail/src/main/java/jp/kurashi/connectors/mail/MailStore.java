package jp.kurashi.connectors.mail;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The email channel's storage: the IMAP cursor, raw mails kept from the moment they are fetched,
 * threading look-ups, bounces, and the advisory lock that lets one instance poll a mailbox.
 */
public final class MailStore {

  private final Pool pool;

  public MailStore(Pool pool) {
    this.pool = pool;
  }

  /** Where polling of a mailbox folder stopped: the folder's UIDVALIDITY and the last UID taken. */
  public record Cursor(long uidValidity, long lastUid) {
  }

  /** A desk mail a delivery report marked failed, and its case. */
  public record Bounced(long messageId, long caseId) {
  }

  /** Where polling stopped, or empty for a new mailbox. */
  public Future<Optional<Cursor>> cursor(String mailbox) {
    return pool.preparedQuery(MailSql.CURSOR).execute(Tuple.of(mailbox)).map(rows -> rows.size() == 0
        ? Optional.empty()
        : Optional.of(new Cursor(rows.iterator().next().getLong(0), rows.iterator().next().getLong(1))));
  }

  /** Keeps fetched mails raw and moves the cursor past them, in one transaction. */
  public Future<Void> storeFetched(String mailbox, long uidValidity, List<RawMail> mails, long lastUid) {
    return pool.withTransaction(conn -> {
      List<Tuple> rows = new ArrayList<>();
      for (RawMail m : mails) {
        rows.add(Tuple.of(mailbox, uidValidity, m.uid(), Buffer.buffer(m.raw()), m.tooLarge()));
      }
      Future<?> inserted = rows.isEmpty() ? Future.succeededFuture()
          : conn.preparedQuery(MailSql.INSERT_RAW).executeBatch(rows);
      return inserted.compose(v -> conn.preparedQuery(MailSql.SAVE_CURSOR)
          .execute(Tuple.of(mailbox, uidValidity, lastUid))).mapEmpty();
    });
  }

  /** Notes where mails went in the processed folder (their UIDs there), so that they can be deleted there later. */
  public Future<Void> recordMoved(String mailbox, long uidValidity, String folder, List<ImapMailbox.Moved> moved) {
    if (moved.isEmpty()) {
      return Future.succeededFuture();
    }
    Long[] uids = moved.stream().map(ImapMailbox.Moved::uid).toArray(Long[]::new);
    Long[] validities = moved.stream().map(ImapMailbox.Moved::movedUidValidity).toArray(Long[]::new);
    Long[] movedUids = moved.stream().map(ImapMailbox.Moved::movedUid).toArray(Long[]::new);
    return pool.preparedQuery(MailSql.RECORD_MOVED)
        .execute(Tuple.of(mailbox, uidValidity, uids, validities, movedUids, folder)).mapEmpty();
  }

  /**
   * Of these UIDs of a folder (the processed folder {@code processedFolder}, or the polled one when that is
   * {@code null}), those whose mail the gateway has handled; none that is pending or quarantined, nor one it does not know.
   */
  public Future<List<Long>> handledUids(String mailbox, String processedFolder, long uidValidity, List<Long> uids) {
    Long[] asked = uids.toArray(Long[]::new);
    return (processedFolder == null
        ? pool.preparedQuery(MailSql.HANDLED_IN_FOLDER).execute(Tuple.of(mailbox, uidValidity, asked))
        : pool.preparedQuery(MailSql.HANDLED_MOVED).execute(Tuple.of(mailbox, uidValidity, asked, processedFolder)))
        .map(rows -> {
          List<Long> out = new ArrayList<>();
          rows.forEach(row -> out.add(row.getLong(0)));
          return out;
        });
  }

  /**
   * Fetched mails still to be processed, oldest first, without their bytes: a batch of large mails read at once would
   * hold them all in memory (20 mails of 40 MB, where a mail server allows that, is most of the heap).
   */
  public Future<List<DueMail>> pending(String mailbox, int limit) {
    return pool.preparedQuery(MailSql.PENDING).execute(Tuple.of(mailbox, (long) limit)).map(rows -> {
      List<DueMail> out = new ArrayList<>();
      for (Row row : rows) {
        out.add(new DueMail(row.getLong("id"), row.getInteger("attempts")));
      }
      return out;
    });
  }

  /** Puts a mail that lost a race back a few seconds, without counting an attempt. */
  public Future<Void> conflicted(long inboxId) {
    return pool.preparedQuery(MailSql.CONFLICTED).execute(Tuple.of(inboxId)).mapEmpty();
  }

  /**
   * Takes a due mail for {@code taker} as its turn comes, with its bytes; empty when it is no longer pending. Found
   * taken by another poller that never recorded an outcome (it stopped mid-way), the mail counts a failed attempt for
   * {@code interruptedReason}; when that was the last of {@code attemptsAllowed} it comes back quarantined, not to
   * be ingested. A mail that kills the gateway is thus quarantined after that many restarts instead of stopping the
   * desk at every one.
   */
  public Future<Optional<PendingMail>> take(DueMail due, UUID taker, String interruptedReason, int attemptsAllowed) {
    return pool.preparedQuery(MailSql.TAKE).execute(Tuple.of(due.inboxId(), taker, interruptedReason, attemptsAllowed))
        .map(rows -> {
          Row row = rows.size() == 0 ? null : rows.iterator().next();
          return row == null || row.getBuffer("raw") == null ? Optional.<PendingMail>empty()
              : Optional.of(new PendingMail(due.inboxId(), row.getBuffer("raw").getBytes(), row.getInteger("attempts"),
                  row.getBoolean("interrupted"), "quarantined".equals(row.getString("status"))));
        });
  }

  public Future<Void> done(long inboxId, Long messageId) {
    return pool.preparedQuery(MailSql.DONE).execute(Tuple.of(inboxId, messageId)).mapEmpty();
  }

  /**
   * Records a failed attempt: the mail waits {@code retryIn} before its next one, or is quarantined
   * (raw bytes kept) when this was the last allowed. Returns true when it is now quarantined.
   *
   * @param reason why, without anything the mail said (an error class or SQLSTATE)
   */
  public Future<Boolean> failed(long inboxId, String reason, int attemptsAllowed, Duration retryIn) {
    return pool.preparedQuery(MailSql.FAILED).execute(Tuple.of(inboxId, reason, attemptsAllowed, retryIn.toMillis()))
        .map(rows -> rows.size() > 0 && "quarantined".equals(rows.iterator().next().getString(0)));
  }

  /** How many quarantined mails still have their raw bytes, in every mailbox. */
  public Future<Long> quarantined() {
    return pool.query(MailSql.QUARANTINED).execute().map(rows -> rows.iterator().next().getLong(0));
  }

  /** The case of the newest message carrying one of these Message-IDs. */
  public Future<Optional<Long>> caseByMessageIds(List<String> messageIds) {
    if (messageIds.isEmpty()) {
      return Future.succeededFuture(Optional.empty());
    }
    return pool.preparedQuery(MailSql.CASE_BY_MESSAGE_IDS).execute(Tuple.of(messageIds.toArray(String[]::new)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  /**
   * Marks our mail with this Message-ID failed when it went to one of the report's recipients; that mail when it did.
   */
  public Future<Optional<Bounced>> bounced(String messageId, List<String> recipients, String reason) {
    return pool.preparedQuery(MailSql.BOUNCED).execute(Tuple.of(messageId, reason, recipients.toArray(String[]::new))).map(rows -> rows.size() == 0
        ? Optional.empty()
        : Optional.of(new Bounced(rows.iterator().next().getLong("id"), rows.iterator().next().getLong("case_id"))));
  }

  /**
   * Subject, last inbound Message-ID, all Message-IDs and the token part of a case, for a reply's headers.
   *
   * @param newToken the token part to give the case if it has none yet (eight lower-case hex digits)
   */
  public Future<Thread> thread(long caseId, String newToken) {
    return pool.preparedQuery(MailSql.THREAD).execute(Tuple.of(caseId, newToken)).map(rows -> {
      Row row = rows.iterator().next();
      String[] ids = row.getArrayOfStrings("ids");
      return new Thread(row.getString("subject"), row.getString("last_inbound"), ids == null ? List.of() : List.of(ids),
          row.getString("token"));
    });
  }

  /** Whether a mail under one of these {@link #erasedKey} hashes was erased with its case. */
  public Future<Boolean> erased(List<String> hashes) {
    return pool.preparedQuery(MailSql.ERASED).execute(Tuple.of((Object) hashes.toArray(String[]::new)))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  /** Marks a mail of an erased case handled and drops its bytes. */
  public Future<Void> doneErased(long inboxId) {
    return pool.preparedQuery(MailSql.DONE_ERASED).execute(Tuple.of(inboxId)).mapEmpty();
  }

  /**
   * The hash kept of an erased mail: its office, its sender in lower case ({@code ""} for the desk's own mail) and the
   * key it was stored under, a newline between each (another office's copy of the same mail is another office's).
   */
  static String erasedKey(long officeId, String address, String key) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
          .digest((officeId + "\n" + address.toLowerCase(java.util.Locale.ROOT) + "\n" + key)
              .getBytes(StandardCharsets.UTF_8));
      return java.util.HexFormat.of().formatHex(digest);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
    }
  }

  /** Whether this message is an inbound mail from {@code address} (compared case-insensitively). */
  public Future<Boolean> sentBy(long messageId, String address) {
    return pool.preparedQuery(MailSql.SENT_BY).execute(Tuple.of(messageId, address))
        .map(rows -> rows.iterator().next().getBoolean(0));
  }

  /** The case, when {@code token} is the random part of its mail token. */
  public Future<Optional<Long>> caseByToken(long caseId, String token) {
    return pool.preparedQuery(MailSql.CASE_BY_TOKEN).execute(Tuple.of(caseId, token))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getLong(0)));
  }

  /**
   * Takes the mailbox's advisory lock on a connection of its own; empty when another instance
   * holds it. The lock lasts until {@link MailboxLock#release()} or the connection drops.
   */
  public Future<Optional<MailboxLock>> tryLock(String mailbox) {
    long key = lockKey(mailbox);
    return pool.getConnection().compose(conn -> conn.preparedQuery(MailSql.TRY_LOCK).execute(Tuple.of(key))
        .compose(rows -> {
          if (rows.iterator().next().getBoolean("locked")) {
            return Future.succeededFuture(Optional.of(new MailboxLock(conn, key)));
          }
          return conn.close().map(v -> Optional.<MailboxLock>empty());
        }, err -> conn.close().transform(v -> Future.failedFuture(err))));
  }

  private static long lockKey(String mailbox) {
    long h = 1125899906842597L;
    for (byte b : ("kurashi-mail:" + mailbox).getBytes(StandardCharsets.UTF_8)) {
      h = 31 * h + b;
    }
    return h;
  }

  /** A fetched mail as it came from the server. */
  /** A fetched mail; {@code tooLarge} when {@code raw} is only its {@link TooLargeMail} stand-in. */
  public record RawMail(long uid, byte[] raw, boolean tooLarge) {
  }

  /**
   * A fetched mail taken to be processed: {@code interrupted} when a poller that took it before stopped mid-way (an
   * attempt counted), {@code quarantined} when that was its last attempt.
   */
  public record PendingMail(long inboxId, byte[] raw, int attempts, boolean interrupted, boolean quarantined) {
  }

  /** A fetched mail whose turn has come, before its bytes are read. */
  public record DueMail(long inboxId, int attempts) {
  }

  /**
   * What a reply needs to join the resident's thread.
   *
   * @param token the random part of the case's token; {@code null} only for a case that does not exist
   */
  public record Thread(String subject, String lastInboundMessageId, List<String> messageIds, String token) {
  }

  /** A held mailbox lock. */
  public static final class MailboxLock {
    private final SqlConnection conn;
    private final long key;

    MailboxLock(SqlConnection conn, long key) {
      this.conn = conn;
      this.key = key;
    }

    /** Succeeds while the connection holding the lock is alive. */
    public Future<Void> check() {
      return conn.query("SELECT 1").execute().mapEmpty();
    }

    public Future<Void> release() {
      return conn.preparedQuery(MailSql.UNLOCK).execute(Tuple.of(key)).eventually(conn::close).mapEmpty();
    }
  }
}
