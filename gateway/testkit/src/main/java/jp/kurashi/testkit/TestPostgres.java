package jp.kurashi.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded PostgreSQL server per test JVM, with a fresh database per caller.
 *
 * <pre>{@code
 * String url = TestPostgres.shared().newDatabaseUrl();   // postgresql://postgres:postgres@localhost:54321/t_3
 * }</pre>
 */
public final class TestPostgres {

  private static final AtomicInteger DATABASES = new AtomicInteger();
  private static volatile TestPostgres shared;

  private final EmbeddedPostgres server;

  private TestPostgres(EmbeddedPostgres server) {
    this.server = server;
  }

  /** The JVM-wide server, started on first use and stopped when the JVM exits. */
  public static TestPostgres shared() {
    if (shared == null) {
      synchronized (TestPostgres.class) {
        if (shared == null) {
          try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setServerConfig("max_connections", "300")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(pg), "test-postgres-stop"));
            shared = new TestPostgres(pg);
          } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
          }
        }
      }
    }
    return shared;
  }

  public int port() {
    return server.getPort();
  }

  /** Creates an empty database and returns its URL in the form the gateway's DATABASE_URL takes. */
  public String newDatabaseUrl() {
    String name = "t_" + DATABASES.incrementAndGet();
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("could not create test database " + name, e);
    }
    return "postgresql://postgres:postgres@localhost:" + port() + "/" + name;
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException ignored) {
      // The JVM is exiting; the temp directory goes with it.
    }
  }
}
