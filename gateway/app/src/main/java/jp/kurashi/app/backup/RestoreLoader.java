package jp.kurashi.app.backup;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Loads a verified backup into an empty database: schema migrated to exactly the backup's version, then every
 * row, id sequence and check in one transaction, so a failed restore leaves no half-restored desk behind.
 */
final class RestoreLoader {

  /**
   * Tables only a working gateway writes (the migrations seed only the office, agencies and templates): rows
   * in any of them mean the database is in use, and a restore would mix two desks' records.
   */
  private static final List<String> IN_USE_WHEN_FILLED = List.of("staff", "contact", "consultation_case", "message",
      "audit_log");

  private RestoreLoader() {
  }

  /**
   * Replies that were waiting to go out when the backup was taken: some went out after it, and the others are as old as
   * the backup. Sending them after a restore would repeat the first to the resident and deliver the second days late
   * (「明日お電話します」 a week on), so they are failed with this reason; staff send again, from the thread, what is
   * still right.
   */
  static final String NOT_SENT_AFTER_RESTORE = "バックアップから復元したため送っていません。今も必要なら送り直してください"
      + " / not sent: restored from a backup taken before it went out; send it again if it is still right";

  /**
   * ? the reason, twice. Fails every reply still waiting in the restored outbox, with its message: how many, and how
   * many of them were automatic (notices, safety messages, consent requests: no staff author).
   */
  private static final String FAIL_WAITING_REPLIES = """
      WITH waiting AS (
        UPDATE outbox SET status = 'failed', last_error = ?, claimed_by = NULL, updated_at = now()%s
         WHERE status = 'pending'
        RETURNING message_id
      ), failed AS (
        UPDATE message m SET delivery = 'failed', delivery_error = ? FROM waiting WHERE m.id = waiting.message_id
        RETURNING m.contact_id, m.staff_id
      )%s
      SELECT count(*), count(*) FILTER (WHERE staff_id IS NULL) FROM failed
      """;

  /**
   * With the statement above, from schema version 24 on: a consent request is queued with its contact marked asked, so
   * one failed above would leave the resident marked asked and never asked. Those not yet agreeing whose automatic
   * message was failed are asked again at their next message.
   */
  private static final String ASK_CONSENT_AGAIN = """

      , asked AS (
        UPDATE contact k SET consent_asked_version = NULL
         WHERE k.id IN (SELECT contact_id FROM failed WHERE staff_id IS NULL)
           AND k.consent_asked_version IS NOT NULL AND k.consent_version IS DISTINCT FROM k.consent_asked_version
      )""";

  /** What a restore did: the rows loaded, and the replies it failed rather than send late (automatic ones among them). */
  record Restored(long rows, long repliesNotSent, long automaticNotSent) {
  }

  /** Restores {@code archive} into the database at {@code location}. */
  static Restored restore(DatabaseLocation location, BackupArchive archive) throws BackupException, SQLException, IOException {
    BackupManifest manifest = archive.manifest();
    archive.verify();
    MigrationVersion version = MigrationVersion.fromVersion(manifest.schemaVersion());
    try (Connection c = location.connect()) {
      checkSchemaVersions(migrations(location).load(), c, version);
      refuseInUse(c);
    }
    try {
      migrations(location).target(version).load().migrate();
    } catch (FlywayException e) {
      throw new BackupException("could not migrate the target database to schema version " + version + ": "
          + e.getMessage().lines().findFirst().orElse(""));
    }
    try (Connection c = location.connect()) {
      c.setAutoCommit(false);
      try {
        long rows = load(c, archive);
        Restored restored = failWaitingReplies(c, rows);
        c.commit();
        return restored;
      } catch (BackupException | SQLException | IOException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  private static Restored failWaitingReplies(Connection c, long rows) throws SQLException {
    // A backup from before V24 has no consent marks to undo (the restore runs at the backup's own schema version).
    boolean consentMarks = Catalog.tables(c).getOrDefault("contact", List.of()).contains("consent_asked_version");
    // From V45 on: some of them went out after the backup, so a resend asks the consultant first.
    boolean confirmation = Catalog.tables(c).getOrDefault("outbox", List.of()).contains("awaits_confirmation");
    try (PreparedStatement s = c.prepareStatement(FAIL_WAITING_REPLIES.formatted(
        confirmation ? ", may_have_arrived = true, awaits_confirmation = true" : "",
        consentMarks ? ASK_CONSENT_AGAIN : ""))) {
      s.setString(1, NOT_SENT_AFTER_RESTORE);
      s.setString(2, NOT_SENT_AFTER_RESTORE);
      try (ResultSet r = s.executeQuery()) {
        r.next();
        return new Restored(rows, r.getLong(1), r.getLong(2));
      }
    }
  }

  private static FluentConfiguration migrations(DatabaseLocation location) {
    return Flyway.configure()
        .dataSource(location.jdbcUrl(), location.user(), location.password())
        .locations(jp.kurashi.core.store.Database.locations().toArray(String[]::new))
        .connectRetries(2);
  }

  private static void checkSchemaVersions(Flyway flyway, Connection c, MigrationVersion version)
      throws BackupException, SQLException {
    boolean known = Arrays.stream(flyway.info().all())
        .anyMatch(m -> version.equals(m.getVersion()) && m.getState().isResolved());
    if (!known) {
      String newest = Arrays.stream(flyway.info().all()).filter(m -> m.getState().isResolved())
          .map(MigrationInfo::getVersion).max(MigrationVersion::compareTo).map(MigrationVersion::toString).orElse("none");
      throw new BackupException("the backup's schema version " + version + " is unknown to this gateway (newest "
          + newest + "); restore with the gateway version that made it, or a newer one");
    }
    Optional<String> current = Catalog.schemaVersion(c);
    if (current.isPresent() && MigrationVersion.fromVersion(current.get()).compareTo(version) > 0) {
      throw new BackupException("the target database's schema (version " + current.get() + ") is newer than the backup's ("
          + version + "); restore into a new database");
    }
  }

  private static void refuseInUse(Connection c) throws BackupException, SQLException {
    for (String table : IN_USE_WHEN_FILLED) {
      if (!Catalog.exists(c, table)) {
        continue;
      }
      try (Statement s = c.createStatement();
           ResultSet r = s.executeQuery("SELECT EXISTS (SELECT 1 FROM " + Catalog.quote(table) + ")")) {
        r.next();
        if (r.getBoolean(1)) {
          throw new BackupException("the target database is in use (table " + table + " has rows); restore only into "
              + "a new database: a new DATABASE_URL, or move DATA_DIR aside");
        }
      }
    }
  }

  private static long load(Connection c, BackupArchive archive) throws BackupException, SQLException, IOException {
    BackupManifest manifest = archive.manifest();
    CopyText.fixSession(c);
    Map<String, List<String>> target = Catalog.tables(c);
    Map<String, BackupManifest.TableDump> dumps = new HashMap<>();
    manifest.tables().forEach(t -> dumps.put(t.name(), t));
    if (!target.keySet().equals(dumps.keySet())) {
      throw new BackupException("the backup's tables differ from schema version " + manifest.schemaVersion()
          + " of this gateway; nothing was restored");
    }
    for (BackupManifest.TableDump dump : manifest.tables()) {
      if (!new HashSet<>(target.get(dump.name())).equals(new HashSet<>(dump.columns()))) {
        throw new BackupException("the backup's columns of table " + dump.name() + " differ from schema version "
            + manifest.schemaVersion() + " of this gateway; nothing was restored");
      }
    }
    try (Statement s = c.createStatement()) {
      // The migrations seed an office, agencies and templates; the backup's own rows replace them.
      s.execute("TRUNCATE " + String.join(", ", target.keySet().stream().map(Catalog::quote).toList()));
    }
    CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
    long total = 0;
    for (String table : Catalog.loadOrder(c, target.keySet())) {
      BackupManifest.TableDump dump = dumps.get(table);
      long rows;
      try (InputStream in = archive.table(dump)) {
        rows = copy.copyIn(CopyText.in(table, dump.columns()), in, 1 << 16);
      } catch (BackupArchive.ChecksumMismatch e) {
        throw archive.damaged(dump);
      }
      if (rows != dump.rows()) {
        throw new BackupException("table " + table + " loaded " + rows + " rows, the backup says " + dump.rows()
            + "; nothing was restored");
      }
      total += rows;
    }
    resetSequences(c, manifest);
    return total;
  }

  /**
   * Each id sequence continues after both the backup's recorded value and the highest id restored, so ids given
   * out before the backup (rows deleted since) are never handed out again.
   */
  private static void resetSequences(Connection c, BackupManifest manifest) throws SQLException {
    Map<String, Long> used = new HashMap<>();
    manifest.sequences().forEach(s -> used.put(s.name(), s.used()));
    for (Catalog.OwnedSequence seq : Catalog.sequences(c)) {
      long highest;
      try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT coalesce(max("
          + Catalog.quote(seq.column()) + "), 0) FROM " + Catalog.quote(seq.table()))) {
        r.next();
        highest = Math.max(r.getLong(1), used.getOrDefault(seq.name(), 0L));
      }
      try (PreparedStatement s = c.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
        s.setString(1, Catalog.quote(seq.name()));
        s.setLong(2, Math.max(highest, 1));
        s.setBoolean(3, highest > 0);
        s.executeQuery().close();
      }
    }
  }
}
