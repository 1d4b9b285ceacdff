package jp.kurashi.app.backup;

import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.config.ConfigException;

import jp.kurashi.app.GatewayConfig;
import org.flywaydb.core.api.FlywayException;
import org.postgresql.util.PSQLException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * {@code java -jar gateway.jar backup FILE} and {@code restore FILE}: a logical copy of the gateway's database,
 * taken from a consistent snapshot while the gateway runs, and loaded into an empty database. Both use the
 * gateway's own settings ({@code DATABASE_URL}, else the embedded server under {@code DATA_DIR}) and need no
 * PostgreSQL program. Exit 0 when done, 1 when refused or failed, 2 for a usage or settings error; the reason is
 * one line on stderr, never a row's content.
 */
public final class BackupCli {

  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  private BackupCli() {
  }

  /** Runs {@code args} ({@code backup FILE} or {@code restore FILE}) against the database {@code env} names, as the gateway would. */
  public static int run(List<String> args, Map<String, String> env, Clock clock, PrintStream out, PrintStream err) {
    if (args.size() != 2 || !(args.get(0).equals("backup") || args.get(0).equals("restore"))) {
      err.println("usage: java -jar gateway.jar backup FILE | restore FILE");
      return EXIT_USAGE;
    }
    String command = args.get(0);
    Path file = Path.of(args.get(1));
    GatewayConfig config;
    try {
      config = GatewayConfig.load(ConfigSource.of(env));
    } catch (ConfigException e) {
      err.println("kurashi-gateway " + command + ": " + e.getMessage());
      return EXIT_USAGE;
    }
    try {
      if (command.equals("backup")) {
        backup(config, file, clock, out);
      } else {
        restore(config, file, out);
      }
      return 0;
    } catch (BackupException e) {
      err.println("kurashi-gateway " + command + ": " + e.getMessage());
    } catch (SQLException e) {
      err.println("kurashi-gateway " + command + ": database error: " + describe(e));
    } catch (IOException e) {
      err.println("kurashi-gateway " + command + ": " + e.getMessage());
    } catch (FlywayException e) {
      err.println("kurashi-gateway " + command + ": " + e.getMessage().lines().findFirst().orElse("Flyway failed"));
    }
    return EXIT_FAILED;
  }

  private static void backup(GatewayConfig config, Path file, Clock clock, PrintStream out)
      throws BackupException, IOException, SQLException {
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir) || !Files.isWritable(dir)) {
      throw new BackupException("cannot write into " + dir);
    }
    BackupManifest manifest;
    try (DatabaseLocation location = DatabaseLocation.forBackup(config); Connection c = location.connect()) {
      manifest = BackupWriter.write(c, file, clock.instant());
    }
    out.println("backup written to " + file + ": " + manifest.tables().size() + " tables, "
        + manifest.tables().stream().mapToLong(BackupManifest.TableDump::rows).sum() + " rows, schema version "
        + manifest.schemaVersion() + ", snapshot at " + manifest.createdAt());
  }

  private static void restore(GatewayConfig config, Path file, PrintStream out)
      throws BackupException, IOException, SQLException {
    try (BackupArchive archive = BackupArchive.open(file); DatabaseLocation location = DatabaseLocation.forRestore(config)) {
      RestoreLoader.Restored restored = RestoreLoader.restore(location, archive);
      out.println("restored " + file + ": " + archive.manifest().tables().size() + " tables, " + restored.rows()
          + " rows, schema version " + archive.manifest().schemaVersion() + ", taken at "
          + archive.manifest().createdAt());
      if (restored.repliesNotSent() > 0) {
        out.println(restored.repliesNotSent() + " replies were waiting to go out when the backup was taken ("
            + restored.automaticNotSent() + " of them automatic: notices, safety messages, consent requests): they are "
            + "marked failed, not sent; staff send again from each case's thread what is still right, and residents "
            + "not yet agreeing to the privacy notice are asked again at their next message");
      }
    }
  }

  /**
   * The server's primary message and SQLSTATE only: its detail and context lines can quote a row's values
   * (a resident's words), which must not reach a terminal or a log. For data and integrity errors (SQLSTATE
   * classes 22 and 23) even the primary message quotes the value (「invalid input syntax …: "…"」), so only
   * the SQLSTATE is given.
   */
  private static String describe(SQLException e) {
    String state = e.getSQLState();
    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
      return "a row was refused by the database (SQLSTATE " + state + ")";
    }
    if (e instanceof PSQLException p && p.getServerErrorMessage() != null) {
      return p.getServerErrorMessage().getMessage() + " (SQLSTATE " + p.getSQLState() + ")";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
  }
}
