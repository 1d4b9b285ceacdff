package jp.kurashi.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

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
  private final Set<String> builtTemplates = new HashSet<>();

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
    execute("CREATE DATABASE " + name);
    return url(name);
  }

  /**
   * Creates a database copied from the template {@code template}, which {@code build} fills once per JVM given
   * the template's URL (the migrated schema, say), and returns its URL. The server copies the template's files,
   * where running the same migrations again for every test took a sixth of a suite's CPU.
   *
   * <pre>{@code
   * String url = TestPostgres.shared().newDatabaseUrlFrom("migrated", Database::migrate);
   * }</pre>
   */
  public String newDatabaseUrlFrom(String template, Consumer<String> build) {
    if (!template.matches("[a-z_]{1,40}")) {
      throw new IllegalArgumentException("a template name is lowercase letters and _: " + template);
    }
    String source = "template_" + template;
    synchronized (builtTemplates) {
      if (!builtTemplates.contains(template)) {
        execute("DROP DATABASE IF EXISTS " + source);
        execute("CREATE DATABASE " + source);
        build.accept(url(source));
        // A copy needs its template without sessions: a pool that closed may still be leaving.
        execute("ALTER DATABASE " + source + " WITH ALLOW_CONNECTIONS false");
        execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + source + "'");
        builtTemplates.add(template);
      }
    }
    String name = "t_" + DATABASES.incrementAndGet();
    execute("CREATE DATABASE " + name + " TEMPLATE " + source);
    return url(name);
  }

  private String url(String database) {
    return "postgresql://postgres:postgres@localhost:" + port() + "/" + database;
  }

  private void execute(String sql) {
    try (Connection c = server.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test database statement failed: " + sql, e);
    }
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException ignored) {
      // The JVM is exiting; the temp directory goes with it.
    }
  }
}
