package jp.kurashi.core.store;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;

/**
 * Core migrations that were split when the channel tables they also created moved to the channels (issue 15):
 * V2's web chat sessions are web chat's V2.1, V4's IMAP cursor and raw inbox and V17's raw-mail retention mail's V4.1
 * and V17.1. A database migrated before has V2, V4 and V17 recorded with the old files' checksums, and the split-off
 * objects exist already: Flyway would refuse the changed checksums and find 2.1, 4.1 and 17.1 pending below the
 * schema's version. {@link #upgradeHistory} runs before {@code migrate} and rewrites exactly that history, so such a
 * desk starts as before and ends up where a fresh database does.
 */
public final class SplitMigrations {

  private static final Logger LOG = LoggerFactory.getLogger(SplitMigrations.class);

  /** A split core migration: its version, Flyway's checksum of the file as shipped before, and of the file now. */
  public record Split(String version, int oldChecksum, int newChecksum) {
  }

  /**
   * Hard-coded rather than computed: the old files are gone from the classpath (copies in the app's test resources,
   * which {@code SplitMigrationsTest} migrates a database with to check these numbers), and a history row is rewritten
   * only when it holds exactly the old file's checksum. Any other checksum means a file someone changed, which Flyway
   * must go on reporting.
   */
  public static final List<Split> SPLITS = List.of(
      new Split("2", -1145457558, -346767950),
      new Split("4", -2019152267, 964025367),
      new Split("17", 630147603, 886216188));

  private SplitMigrations() {
  }

  /**
   * For each split version recorded with its old checksum: the row takes the new checksum and the split-off parts
   * Flyway resolves on the classpath (version {@code 2.1} for {@code 2}…) are recorded as applied, their objects being
   * there already; one transaction, under a lock on the history table so two instances starting together do it once.
   * A fresh database, or one already upgraded, is left alone. Blocking (JDBC): call it where Flyway runs.
   */
  public static void upgradeHistory(Flyway flyway) {
    String table = flyway.getConfiguration().getTable();
    try (Connection conn = flyway.getConfiguration().getDataSource().getConnection()) {
      if (!exists(conn, table) || !anyOld(conn, table)) {
        return;
      }
      // Resolved before the transaction: Flyway reads the history on a connection of its own.
      MigrationInfo[] resolved = flyway.info().all();
      conn.setAutoCommit(false);
      try (Statement lock = conn.createStatement()) {
        lock.execute("LOCK TABLE " + table + " IN SHARE ROW EXCLUSIVE MODE");
      }
      for (Split split : SPLITS) {
        if (rewrite(conn, table, split)) {
          List<MigrationInfo> parts = Arrays.stream(resolved)
              .filter(m -> m.getVersion() != null && m.getVersion().getVersion().startsWith(split.version() + "."))
              .filter(m -> m.getInstalledOn() == null).toList();
          for (MigrationInfo part : parts) {
            record(conn, table, part);
          }
          LOG.atInfo().addKeyValue("version", split.version())
              .addKeyValue("recorded", parts.stream().map(m -> m.getVersion().getVersion()).toList())
              .log("schema history: split migration taken over from before issue 15");
        }
      }
      conn.commit();
    } catch (SQLException e) {
      throw new IllegalStateException("schema history upgrade failed: SQLSTATE " + e.getSQLState(), e);
    }
  }

  private static boolean exists(Connection conn, String table) throws SQLException {
    try (PreparedStatement q = conn.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
      q.setString(1, table);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static boolean anyOld(Connection conn, String table) throws SQLException {
    for (Split split : SPLITS) {
      try (PreparedStatement q = conn.prepareStatement(
          "SELECT 1 FROM " + table + " WHERE version = ? AND checksum = ? AND success")) {
        q.setString(1, split.version());
        q.setInt(2, split.oldChecksum());
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static boolean rewrite(Connection conn, String table, Split split) throws SQLException {
    try (PreparedStatement u = conn.prepareStatement(
        "UPDATE " + table + " SET checksum = ? WHERE version = ? AND checksum = ? AND success")) {
      u.setInt(1, split.newChecksum());
      u.setString(2, split.version());
      u.setInt(3, split.oldChecksum());
      return u.executeUpdate() == 1;
    }
  }

  private static void record(Connection conn, String table, MigrationInfo part) throws SQLException {
    try (PreparedStatement i = conn.prepareStatement("INSERT INTO " + table
        + " (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success)"
        + " SELECT (SELECT COALESCE(MAX(installed_rank), 0) + 1 FROM " + table + "), ?, ?, ?, ?, ?, current_user, 0, true"
        + " WHERE NOT EXISTS (SELECT 1 FROM " + table + " WHERE version = ?)")) {
      i.setString(1, part.getVersion().getVersion());
      i.setString(2, part.getDescription());
      i.setString(3, part.getType().name());
      i.setString(4, part.getScript());
      i.setObject(5, part.getChecksum());
      i.setString(6, part.getVersion().getVersion());
      i.executeUpdate();
    }
  }
}
