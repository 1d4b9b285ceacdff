package jp.kurashi.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A PostgreSQL server a test stops and starts again on the same port and data directory, so a pool
 * that lost it can reconnect to the same address.
 *
 * <pre>{@code
 * try (RestartablePostgres pg = RestartablePostgres.start(tempDir)) {
 *   String url = pg.url();   // postgresql://postgres@127.0.0.1:40123/postgres
 *   pg.stop();               // connections are terminated, new ones refused
 *   pg.restart();            // same port, same data
 * }
 * }</pre>
 */
public final class RestartablePostgres implements AutoCloseable {

  private final Path dataDir;
  private final int port;
  private EmbeddedPostgres server;

  private RestartablePostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  /** Creates a cluster in {@code dataDir} and starts it on a free loopback port. */
  public static RestartablePostgres start(Path dataDir) {
    RestartablePostgres pg = new RestartablePostgres(dataDir, FreePorts.next());
    pg.restart();
    return pg;
  }

  /** Starts the server again on the same port and data; does nothing when it is running. */
  public synchronized void restart() {
    if (server != null) {
      return;
    }
    try {
      // Zonky binaries, as TestPostgres uses: no OS package, and they run as root in CI.
      server = EmbeddedPostgres.builder()
          .setDataDirectory(dataDir)
          .setCleanDataDirectory(false)
          .setPort(port)
          .setRegisterShutdownHook(true)
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("listen_addresses", "127.0.0.1")
          .setServerConfig("fsync", "off")
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("PostgreSQL did not start on port " + port, e);
    }
  }

  /** Stops the server ({@code pg_ctl stop}, fast mode: open connections are terminated). */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException e) {
      throw new UncheckedIOException("PostgreSQL did not stop", e);
    } finally {
      server = null;
    }
  }

  public int port() {
    return port;
  }

  /** The {@code postgres} database in the form the gateway's {@code DATABASE_URL} takes. */
  public String url() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  /** A JDBC connection to the {@code postgres} database, for assertions on what was stored. */
  public Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
  }

  @Override
  public void close() {
    stop();
  }
}
