package jp.kurashi.app.backup;

import jp.kurashi.app.GatewayConfig;
import jp.kurashi.app.embedded.LocalPostgres;
import jp.kurashi.app.embedded.PostmasterPidFile;
import jp.kurashi.app.embedded.PrivateFiles;
import jp.kurashi.core.store.DatabaseSettings;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import java.util.Properties;

/**
 * The database the gateway with these settings uses: {@code DATABASE_URL}, else the embedded server under
 * {@code DATA_DIR}, reached where it already runs or started here for the command's length and stopped after.
 */
final class DatabaseLocation implements AutoCloseable {

  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final Optional<LocalPostgres> startedHere;

  private DatabaseLocation(String jdbcUrl, String user, String password, Optional<LocalPostgres> startedHere) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.startedHere = startedHere;
  }

  /**
   * For a backup: a running gateway's embedded server is read while it keeps working (the snapshot makes the
   * copy consistent); a stopped one is started, but never created, since an empty new cluster has nothing to save.
   */
  static DatabaseLocation forBackup(GatewayConfig config) throws BackupException, IOException {
    if (config.database().isPresent()) {
      return external(config.database().get());
    }
    Path pg = config.dataDir().resolve("pg");
    if (!Files.exists(pg.resolve("PG_VERSION"))) {
      throw new BackupException("no embedded database under " + pg + " (DATA_DIR) and no DATABASE_URL: nothing to back up");
    }
    Optional<DatabaseSettings> running = LocalPostgres.running(pg, 1);
    if (running.isPresent()) {
      return external(running.get());
    }
    if (PrivateFiles.readSecret(config.dataDir().resolve("pg-password")).isEmpty()
        && PostmasterPidFile.read(pg).map(f -> f.ownerAlive(pg)).orElse(false)) {
      throw new BackupException("the embedded server runs but " + config.dataDir().resolve("pg-password")
          + " is missing; restart the gateway once");
    }
    return startEmbedded(config, "the gateway is starting or stopping; try again once it runs");
  }

  /**
   * For a restore: the embedded server is always started here, which takes {@code DATA_DIR}'s lock, so a
   * restore never runs under a working gateway; a new {@code DATA_DIR} gets a new cluster.
   */
  static DatabaseLocation forRestore(GatewayConfig config) throws BackupException, IOException {
    if (config.database().isPresent()) {
      return external(config.database().get());
    }
    return startEmbedded(config, "stop the gateway first");
  }

  private static DatabaseLocation external(DatabaseSettings settings) {
    return new DatabaseLocation(settings.jdbcUrl(), settings.connect().getUser(), settings.connect().getPassword(),
        Optional.empty());
  }

  private static DatabaseLocation startEmbedded(GatewayConfig config, String whenInUse) throws BackupException, IOException {
    PrivateFiles.privateDirectory(config.dataDir());
    LocalPostgres pg;
    try {
      pg = LocalPostgres.start(config.dataDir().resolve("pg"), 0);
    } catch (LocalPostgres.DataDirInUseException e) {
      throw new BackupException(e.getMessage() + "; " + whenInUse);
    }
    DatabaseSettings settings = pg.settings(1);
    return new DatabaseLocation(settings.jdbcUrl(), settings.connect().getUser(), settings.connect().getPassword(),
        Optional.of(pg));
  }

  Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", user);
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "10");
    props.setProperty("ApplicationName", "kurashi-gateway backup");
    return DriverManager.getConnection(jdbcUrl, props);
  }

  String jdbcUrl() {
    return jdbcUrl;
  }

  String user() {
    return user;
  }

  String password() {
    return password;
  }

  /** Stops the embedded server if this command started it. */
  @Override
  public void close() throws IOException {
    if (startedHere.isPresent()) {
      startedHere.get().close();
    }
  }
}
