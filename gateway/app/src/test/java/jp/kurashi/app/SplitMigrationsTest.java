package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.core.store.SplitMigrations;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestPostgres;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Core's V2, V4 and V17 lost their channel tables to the channels' V2.1, V4.1 and V17.1 (issue 15): a desk migrated
 * with the old files still starts, and ends with the schema a fresh database gets.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Core migrations split for the channels' tables")
class SplitMigrationsTest {

  /** The files as shipped before the split, kept in test resources under this folder. */
  private static final String OLD = "migrations-before-issue-15/";
  private static final Set<String> REPLACED = Set.of("V2__webchat_attachments_consent.sql", "V4__mail_channel.sql",
      "V17__retention.sql");

  @Test
  @DisplayName("a database migrated with the old files starts, records the split parts and has a fresh database's schema")
  void oldDatabaseUpgrades(Vertx vertx, @TempDir Path old) throws Exception {
    oldMigrations(old);
    DatabaseSettings before = settings();
    Flyway.configure().dataSource(before.jdbcUrl(), before.connect().getUser(), before.connect().getPassword())
        .locations("filesystem:" + old).load().migrate();
    Map<String, Integer> oldSums = checksums(before);
    for (SplitMigrations.Split split : SplitMigrations.SPLITS) {
      assertThat(oldSums).as("the old file's checksum").containsEntry(split.version(), split.oldChecksum());
    }
    assertThat(oldSums).doesNotContainKeys("2.1", "4.1", "17.1");

    Await.result(Await.result(Database.open(vertx, before)).close());
    DatabaseSettings fresh = settings();
    Await.result(Await.result(Database.open(vertx, fresh)).close());

    assertThat(checksums(before)).isEqualTo(checksums(fresh)).containsKeys("2.1", "4.1", "17.1");
    for (SplitMigrations.Split split : SplitMigrations.SPLITS) {
      assertThat(checksums(fresh)).as("the new file's checksum").containsEntry(split.version(), split.newChecksum());
    }
    assertThat(schema(before)).isEqualTo(schema(fresh)).anyMatch(line -> line.startsWith("column mail_inbox.raw"));
    // Started again: nothing left to do, nothing rewritten twice.
    Await.result(Await.result(Database.open(vertx, before)).close());
    assertThat(checksums(before)).isEqualTo(checksums(fresh));
  }

  private static DatabaseSettings settings() {
    return DatabaseSettings.fromUrl(TestPostgres.shared().newDatabaseUrl(), 2);
  }

  /** Every migration on the classpath as it was before the split: the old V2, V4, V17, and no split-off parts. */
  private static void oldMigrations(Path into) throws IOException, URISyntaxException {
    for (URL root : Collections.list(SplitMigrationsTest.class.getClassLoader().getResources("db/migration"))) {
      URI uri = root.toURI();
      if (uri.getScheme().equals("jar")) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          copySql(jar.getPath("db/migration"), into);
        }
      } else {
        copySql(Path.of(uri), into);
      }
    }
    for (String name : REPLACED) {
      try (InputStream in = SplitMigrationsTest.class.getClassLoader().getResourceAsStream(OLD + name)) {
        Files.copy(in, into.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void copySql(Path folder, Path into) throws IOException {
    try (Stream<Path> files = Files.walk(folder)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".sql")).toList()) {
        String name = file.getFileName().toString();
        // Only the split-off parts are new; later dotted versions (the mail channel's V48.1, V48.2) were there before
        // any migration numbered above them, as on a real desk.
        if (!name.matches("V(2|4|17)\\.1__.*") && !REPLACED.contains(name)) {
          Files.copy(file, into.resolve(name));
        }
      }
    }
  }

  private static Connection connect(DatabaseSettings db) throws SQLException {
    return DriverManager.getConnection(db.jdbcUrl(), db.connect().getUser(), db.connect().getPassword());
  }

  /** Applied versions and their checksums. */
  private static Map<String, Integer> checksums(DatabaseSettings db) throws SQLException {
    Map<String, Integer> sums = new TreeMap<>();
    try (Connection c = connect(db); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT version, checksum, success FROM flyway_schema_history")) {
      while (rs.next()) {
        assertThat(rs.getBoolean("success")).isTrue();
        sums.put(rs.getString("version"), rs.getInt("checksum"));
      }
    }
    return sums;
  }

  /** The public schema, line by line: columns, constraints, indexes, functions and triggers. */
  private static List<String> schema(DatabaseSettings db) throws SQLException {
    List<String> lines = new ArrayList<>();
    String[] queries = {
        """
        SELECT 'column ' || table_name || '.' || column_name || ' ' || ordinal_position || ' ' || data_type || ' '
               || is_nullable || ' ' || coalesce(column_default, '-')
          FROM information_schema.columns WHERE table_schema = 'public'""",
        """
        SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
          FROM pg_constraint WHERE connamespace = 'public'::regnamespace""",
        "SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'",
        """
        SELECT 'function ' || p.proname || ' ' || md5(pg_get_functiondef(p.oid)) FROM pg_proc p
         WHERE p.pronamespace = 'public'::regnamespace""",
        """
        SELECT 'trigger ' || tgrelid::regclass || ' ' || tgname || ' ' || pg_get_triggerdef(oid) FROM pg_trigger
         WHERE NOT tgisinternal""",
        """
        SELECT 'privilege ' || table_name || ' ' || grantee || ' ' || privilege_type
          FROM information_schema.role_table_grants WHERE table_schema = 'public'"""};
    try (Connection c = connect(db); Statement s = c.createStatement()) {
      for (String q : queries) {
        try (ResultSet rs = s.executeQuery(q)) {
          while (rs.next()) {
            lines.add(rs.getString(1));
          }
        }
      }
    }
    Collections.sort(lines);
    return lines;
  }
}
