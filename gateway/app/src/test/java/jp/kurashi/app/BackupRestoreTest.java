package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.app.backup.BackupCli;
import jp.kurashi.core.domain.InboundAttachment;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.IngestResult;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.connectors.webchat.WebchatStore;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Backup and restore")
class BackupRestoreTest {

  /** Words COPY's text format must escape: tab, newline, backslash, and characters beyond the BMP. */
  private static final String AWKWARD = "家賃が払えません\tタブ\n改行 \\N バックスラッシュ \\ 𠮷野家 😀";

  @TempDir
  Path dir;
  private String sourceUrl;
  private RunningGateway running;
  private Path backup;

  @BeforeEach
  void start(Vertx vertx) {
    sourceUrl = TestPostgres.shared().newDatabaseUrl();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", sourceUrl), RunningGateway.deskOpen());
    backup = dir.resolve("desk.backup");
    fillDesk();
  }

  @AfterEach
  void stop() {
    if (running != null) {
      running.close();
    }
  }

  /** Two residents, a photo, staff reads (audited), a note and a merge (a case referencing a case). */
  private void fillDesk() {
    RunningGateway.StaffClient chief = running.chief();
    IngestResult first = receive("m-1", "chat-1", AWKWARD, List.of());
    byte[] photo = new byte[256 * 1024];
    new java.util.Random(12).nextBytes(photo); // incompressible: the photo's rows are most of the file
    IngestResult second = receive("m-2", "chat-2", "写真を送ります",
        List.of(new InboundAttachment("image/png", "通知書.png", photo)));
    assertThat(chief.get("/api/cases/" + first.caseId()).statusCode()).isEqualTo(200);
    assertThat(chief.get("/api/cases/" + second.caseId()).statusCode()).isEqualTo(200);
    assertThat(chief.post("/api/cases/" + first.caseId() + "/notes", new JsonObject().put("text", "面談は来週"), true)
        .statusCode()).isLessThan(300);
    assertThat(chief.post("/api/cases/" + second.caseId() + "/merge", new JsonObject().put("into", first.caseId()), true)
        .statusCode()).isEqualTo(200);
    Await.until(Duration.ofSeconds(20), "triage of both messages", () -> count(sourceUrl, "triage_result") == 2);
  }

  private IngestResult receive(String externalId, String session, String text, List<InboundAttachment> files) {
    return Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", externalId, session, null, text,
        running.clock.instant(), files, null, false, null)));
  }

  private record Run(int status, String out, String err) {
  }

  private static Run cli(String databaseUrl, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BackupCli.run(List.of(args), Map.of("DATABASE_URL", databaseUrl), Clock.systemUTC(),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("copies a running desk's every table, attachment, audit row and sequence into a new database, which then works")
  void roundTrip(Vertx vertx) throws Exception {
    Run made = cli(sourceUrl, "backup", backup.toString());

    assertThat(made.status()).as(made.err()).isZero();
    assertThat(made.out()).startsWith("backup written to " + backup);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(backup))).isEqualTo("rw-------");
    assertThat(dir.resolve("desk.backup.partial")).doesNotExist();
    Map<String, String> original = contents(sourceUrl);
    assertThat(original.get("attachment")).startsWith("1:");
    assertThat(original.get("audit_log")).doesNotStartWith("0:");
    assertThat(original.get("consultation_case")).startsWith("2:");

    String targetUrl = TestPostgres.shared().newDatabaseUrl();
    Run restored = cli(targetUrl, "restore", backup.toString());

    assertThat(restored.status()).as(restored.err()).isZero();
    assertThat(restored.err()).isEmpty();
    // Everything but the staff's login sessions, which a restore never brings back.
    assertThat(original.get("staff_session")).doesNotStartWith("0:");
    Map<String, String> expected = new TreeMap<>(original);
    expected.put("staff_session", "0:" + md5(""));
    assertThat(contents(targetUrl)).isEqualTo(expected);
    try (Connection c = connect(targetUrl); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT count(*) FROM consultation_case WHERE merged_into IS NOT NULL")) {
      r.next();
      assertThat(r.getInt(1)).as("the merge, a case referencing a case").isEqualTo(1);
    }

    long highestCase = maxId(targetUrl, "consultation_case");
    long highestMessage = maxId(targetUrl, "message");
    running.close();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", targetUrl), RunningGateway.deskOpen());
    IngestResult next = receive("m-3", "chat-3", "はじめまして", List.of());
    assertThat(next.caseId()).as("new ids continue after the restored ones").isGreaterThan(highestCase);
    assertThat(next.messageId()).isGreaterThan(highestMessage);
    assertThat(running.client().login("chief", "chief-password-1").statusCode()).as("restored accounts log in")
        .isEqualTo(200);
  }

  @Test
  @DisplayName("a reply still waiting to go out at the backup's time is not sent by the restored desk: failed with the reason, for staff to send again")
  void waitingReplyNotSentLate(Vertx vertx) throws Exception {
    RunningGateway.StaffClient chief = running.client();
    chief.login("chief", "chief-password-1");
    long caseId = scalar(sourceUrl, "SELECT min(id) FROM consultation_case WHERE merged_into IS NULL");
    // The resident's web chat is open, so a reply goes out at once.
    Database source = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(sourceUrl, 1)));
    try {
      long office = scalar(sourceUrl, "SELECT id FROM office WHERE code = 'default'");
      Await.result(new WebchatStore(source.pool()).create(office, "hash-of-a-token", "chat-1", "ja", running.clock.instant()));
    } finally {
      Await.result(source.close());
    }
    long delivered = chief.post("/api/cases/" + caseId + "/replies", new JsonObject().put("text", "お電話しました"), true)
        .bodyAsJsonObject().getLong("messageId");
    Await.until(Duration.ofSeconds(20), "the first reply delivered",
        () -> scalar(sourceUrl, "SELECT count(*) FROM outbox WHERE status = 'sent' AND message_id = " + delivered) == 1);
    long waiting = chief.post("/api/cases/" + caseId + "/replies", new JsonObject().put("text", "明日お電話します"), true)
        .bodyAsJsonObject().getLong("messageId");
    // Settled first, so the outbox worker does not finish its send after the row is put back below.
    Await.until(Duration.ofSeconds(20), "the second reply settled",
        () -> scalar(sourceUrl, "SELECT count(*) FROM outbox WHERE status = 'sent' AND message_id = " + waiting) == 1);
    // The second waits for its channel, as while a channel is down: its next attempt an hour away. An automatic
    // message waits too: the consent request of a resident marked asked (the mark and the request commit together).
    long automatic;
    try (Connection c = connect(sourceUrl); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE outbox SET status = 'pending', next_attempt_at = now() + interval '1 hour', attempts = 1 "
          + "WHERE message_id = " + waiting);
      s.executeUpdate("UPDATE message SET delivery = 'queued', delivered_at = NULL WHERE id = " + waiting);
      s.executeUpdate("INSERT INTO message (case_id, contact_id, channel, direction, body, delivery, created_at) "
          + "SELECT case_id, contact_id, channel, 'out', 'プライバシーのお知らせへの同意をお願いします', 'queued', now() "
          + "FROM message WHERE id = " + waiting);
      automatic = scalar(sourceUrl, "SELECT max(id) FROM message WHERE staff_id IS NULL AND direction = 'out'");
      s.executeUpdate("INSERT INTO outbox (message_id, channel, idempotency_key, next_attempt_at) SELECT id, channel, "
          + "gen_random_uuid(), now() + interval '1 hour' FROM message WHERE id = " + automatic);
      s.executeUpdate("UPDATE contact SET consent_asked_version = 'notice-1', consent_version = NULL "
          + "WHERE id = (SELECT contact_id FROM message WHERE id = " + automatic + ")");
    }
    Run made = cli(sourceUrl, "backup", backup.toString());
    assertThat(made.status()).as(made.err()).isZero();

    String targetUrl = TestPostgres.shared().newDatabaseUrl();
    Run restored = cli(targetUrl, "restore", backup.toString());

    assertThat(restored.status()).as(restored.err()).isZero();
    assertThat(restored.out()).contains("2 replies were waiting to go out when the backup was taken (1 of them automatic");
    assertThat(scalar(targetUrl, "SELECT count(*) FROM message WHERE delivery = 'failed' AND id = " + automatic)).isOne();
    assertThat(scalar(targetUrl, "SELECT count(*) FROM contact WHERE consent_asked_version IS NOT NULL"))
        .as("the resident whose consent request was not sent is asked again").isZero();
    assertThat(scalar(targetUrl, "SELECT count(*) FROM message WHERE delivery = 'failed' AND delivery_error LIKE "
        + "'バックアップから復元したため送っていません%' AND id = " + waiting)).isOne();
    assertThat(scalar(targetUrl, "SELECT count(*) FROM outbox WHERE status = 'failed' AND message_id = " + waiting)).isOne();
    assertThat(scalar(targetUrl, "SELECT count(*) FROM outbox WHERE status = 'sent' AND message_id = " + delivered)).isOne();

    running.close();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", targetUrl), RunningGateway.deskOpen());
    RunningGateway.StaffClient restoredChief = running.client();
    restoredChief.login("chief", "chief-password-1");
    assertThat(restoredChief.get("/api/cases/" + caseId).statusCode()).isEqualTo(200);
    String retry = "/api/cases/" + caseId + "/messages/" + waiting + "/retry";
    var asked = restoredChief.post(retry, new JsonObject(), true);
    assertThat(asked.statusCode()).as("it may have gone out after the backup: the consultant checks first").isEqualTo(409);
    assertThat(asked.bodyAsJsonObject().getString("error")).isEqualTo("confirm_resend");
    assertThat(restoredChief.post(retry, new JsonObject().put("confirmed", true)
        .put("hold", asked.bodyAsJsonObject().getLong("hold")), true).statusCode()).isEqualTo(202);
    Await.until(Duration.ofSeconds(20), "sent again by staff",
        () -> scalar(targetUrl, "SELECT count(*) FROM outbox WHERE status = 'sent' AND message_id = " + waiting) == 1);
  }

  @Test
  @DisplayName("a backup from before V45: a reply it held waiting is failed by the restore, and the upgrade asks before a resend")
  void backupFromBeforeRetryKeys(Vertx vertx) throws Exception {
    String oldUrl = TestPostgres.shared().newDatabaseUrl();
    DatabaseSettings old = DatabaseSettings.fromUrl(oldUrl, 1);
    org.flywaydb.core.Flyway.configure().dataSource(old.jdbcUrl(), old.connect().getUser(), old.connect().getPassword())
        .locations(Database.locations().toArray(String[]::new)).target("44").load().migrate();
    long reply;
    try (Connection c = connect(oldUrl); Statement s = c.createStatement()) {
      // A resident's case with an automatic reply still waiting to go out, as a V44 gateway stored them.
      s.execute("INSERT INTO contact (office_id, channel, external_id) SELECT id, 'webchat', 'chat-old' FROM office");
      s.execute("""
          INSERT INTO consultation_case (office_id, contact_id, channel) SELECT office_id, id, 'webchat' FROM contact""");
      s.execute("""
          INSERT INTO message (office_id, case_id, contact_id, channel, direction, body, delivery)
          SELECT office_id, id, contact_id, 'webchat', 'out', '明日お電話します', 'queued' FROM consultation_case""");
      s.execute("""
          INSERT INTO outbox (message_id, channel, idempotency_key, attempts)
          SELECT id, 'webchat', gen_random_uuid(), 1 FROM message""");
      reply = scalar(oldUrl, "SELECT id FROM message");
    }
    Path oldBackup = dir.resolve("v44.backup");
    Run made = cli(oldUrl, "backup", oldBackup.toString());
    assertThat(made.status()).as(made.err()).isZero();

    String targetUrl = TestPostgres.shared().newDatabaseUrl();
    Run restored = cli(targetUrl, "restore", oldBackup.toString());
    assertThat(restored.status()).as(restored.err()).isZero();
    assertThat(scalar(targetUrl, "SELECT count(*) FROM outbox WHERE status = 'failed' AND message_id = " + reply)).isOne();

    running.close();
    // The gateway's start migrates the restored desk to the newest version.
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", targetUrl), RunningGateway.deskOpen());
    RunningGateway.StaffClient chief = running.chief();
    long caseId = scalar(targetUrl, "SELECT case_id FROM message WHERE id = " + reply);
    assertThat(chief.get("/api/cases/" + caseId).statusCode()).isEqualTo(200);
    String retry = "/api/cases/" + caseId + "/messages/" + reply + "/retry";
    var asked = chief.post(retry, new JsonObject(), true);
    assertThat(asked.statusCode()).as("it may have gone out after the backup, before V45 too").isEqualTo(409);
    assertThat(asked.bodyAsJsonObject().getString("error")).isEqualTo("confirm_resend");
    assertThat(chief.post(retry, new JsonObject().put("confirmed", true)
        .put("hold", asked.bodyAsJsonObject().getLong("hold")), true).statusCode()).isEqualTo(202);
    // Released: queued again (the worker may already have sent it, or failed it anew, the chat being gone).
    assertThat(scalar(targetUrl, "SELECT count(*) FROM outbox WHERE NOT awaits_confirmation AND message_id = " + reply))
        .isOne();
    assertThat(scalar(targetUrl, "SELECT count(*) FROM audit_log WHERE action = 'message.retry.confirmed' "
        + "AND detail->>'outcome' = 'queued' AND case_id = " + caseId)).isOne();
  }

  @Test
  @DisplayName("takes one snapshot while residents keep writing: every restored message has its contact and case")
  void consistentWhileWriting() throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    Thread residents = new Thread(() -> {
      while (writing.get()) {
        int n = written.incrementAndGet();
        receive("busy-" + n, "busy-chat-" + n, "相談 " + n, List.of());
      }
    });
    residents.start();
    Await.until(Duration.ofSeconds(10), "residents writing", () -> written.get() > 20);
    int before = written.get();
    Run made;
    try {
      made = cli(sourceUrl, "backup", backup.toString());
    } finally {
      writing.set(false);
      residents.join();
    }
    assertThat(made.status()).as(made.err()).isZero();
    assertThat(written.get()).as("writes went on during the backup").isGreaterThan(before);

    String targetUrl = TestPostgres.shared().newDatabaseUrl();
    Run restored = cli(targetUrl, "restore", backup.toString());

    assertThat(restored.status()).as(restored.err()).isZero();
    assertThat(count(targetUrl, "contact")).isEqualTo(count(targetUrl, "consultation_case"))
        .isGreaterThan(before);
    assertThat(scalar(targetUrl, "SELECT count(*) FROM contact c WHERE NOT EXISTS "
        + "(SELECT 1 FROM message m WHERE m.contact_id = c.id)")).isZero();
  }

  @Test
  @DisplayName("refuses a damaged file with one line, before touching the target")
  void damaged() throws Exception {
    assertThat(cli(sourceUrl, "backup", backup.toString()).status()).isZero();
    String targetUrl = TestPostgres.shared().newDatabaseUrl();

    Path edited = dir.resolve("edited.backup");
    rezip(backup, edited, (name, bytes) -> name.equals("tables/message.copy")
        ? new String(bytes, StandardCharsets.UTF_8).replace("写真を送ります", "写真を送りません").getBytes(StandardCharsets.UTF_8)
        : bytes);
    Run run = cli(targetUrl, "restore", edited.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err().lines()).singleElement().asString()
        .contains("damaged", "table message", "do not match their checksum").doesNotContain("写真");

    Path flipped = dir.resolve("flipped.backup");
    byte[] bytes = Files.readAllBytes(backup);
    bytes[bytes.length / 3] ^= 0x5a; // inside the photo's rows, the largest entry, written first
    Files.write(flipped, bytes);
    run = cli(targetUrl, "restore", flipped.toString());
    assertThat(run.status()).isEqualTo(1);
    assertThat(run.err().lines()).singleElement().asString().contains("damaged");

    assertThat(tables(targetUrl)).as("target untouched: not even migrated").isEmpty();
  }

  @Test
  @DisplayName("refuses a database in use, a file from a newer gateway, and a file that is no backup")
  void refusals() throws Exception {
    assertThat(cli(sourceUrl, "backup", backup.toString()).status()).isZero();
    Map<String, String> before = contents(sourceUrl);

    Run inUse = cli(sourceUrl, "restore", backup.toString());
    assertThat(inUse.status()).isEqualTo(1);
    assertThat(inUse.err().lines()).singleElement().asString().contains("in use", "new database");
    assertThat(contents(sourceUrl)).isEqualTo(before);

    String targetUrl = TestPostgres.shared().newDatabaseUrl();
    Path newerFormat = dir.resolve("newer-format.backup");
    rezip(backup, newerFormat, manifest(m -> m.put("formatVersion", 2)));
    assertThat(cli(targetUrl, "restore", newerFormat.toString()).err()).contains("backup format 2 is not readable");

    Path newerSchema = dir.resolve("newer-schema.backup");
    rezip(backup, newerSchema, manifest(m -> m.put("schemaVersion", "999")));
    Run unknown = cli(targetUrl, "restore", newerSchema.toString());
    assertThat(unknown.status()).isEqualTo(1);
    assertThat(unknown.err()).contains("schema version 999 is unknown to this gateway");

    Path notes = Files.writeString(dir.resolve("notes.txt"), "not a backup");
    assertThat(cli(targetUrl, "restore", notes.toString()).err()).contains("not a Kurashi Gateway backup");
    assertThat(cli(targetUrl, "restore", dir.resolve("missing").toString()).err()).contains("no such backup file");
    assertThat(tables(targetUrl)).isEmpty();

    assertThat(cli(targetUrl, "backup", dir.resolve("empty.backup").toString()).err())
        .contains("no gateway schema");
    assertThat(cli(targetUrl, "backup").status()).isEqualTo(2);
  }

  // --- helpers --------------------------------------------------------------------------------------

  private static BiFunction<String, byte[], byte[]> manifest(java.util.function.Consumer<JsonObject> edit) {
    return (name, bytes) -> {
      if (!name.equals("manifest.json")) {
        return bytes;
      }
      JsonObject m = new JsonObject(new String(bytes, StandardCharsets.UTF_8));
      edit.accept(m);
      return m.encode().getBytes(StandardCharsets.UTF_8);
    };
  }

  private static void rezip(Path from, Path to, BiFunction<String, byte[], byte[]> edit) throws IOException {
    try (ZipFile in = new ZipFile(from.toFile()); OutputStream raw = Files.newOutputStream(to);
         ZipOutputStream out = new ZipOutputStream(raw)) {
      for (ZipEntry e : java.util.Collections.list(in.entries())) {
        byte[] bytes;
        try (InputStream s = in.getInputStream(e)) {
          bytes = s.readAllBytes();
        }
        out.putNextEntry(new ZipEntry(e.getName()));
        out.write(edit.apply(e.getName(), bytes));
        out.closeEntry();
      }
    }
  }

  private static Connection connect(String url) throws SQLException {
    DatabaseSettings s = DatabaseSettings.fromUrl(url, 1);
    return DriverManager.getConnection(s.jdbcUrl(), s.connect().getUser(), s.connect().getPassword());
  }

  private static List<String> tables(String url) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = connect(url); Statement s = c.createStatement();
         ResultSet r = s.executeQuery("SELECT relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
             + "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY relname")) {
      while (r.next()) {
        names.add(r.getString(1));
      }
    }
    return names;
  }

  /**
   * Every table (but Flyway's) as {@code rows:md5 of all rows in a fixed order}, and every sequence's position:
   * two databases with equal contents hold the same rows, byte for byte.
   */
  private static String md5(String text) throws Exception {
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
        .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }

  private static Map<String, String> contents(String url) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = connect(url); Statement s = c.createStatement()) {
      for (String table : tables(url)) {
        if (table.equals("flyway_schema_history")) {
          continue;
        }
        try (ResultSet r = s.executeQuery("SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
            + " FROM \"" + table + "\" t")) {
          r.next();
          out.put(table, r.getLong(1) + ":" + r.getString(2));
        }
      }
      List<String> sequences = new ArrayList<>();
      try (ResultSet r = s.executeQuery("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'")) {
        while (r.next()) {
          sequences.add(r.getString(1));
        }
      }
      for (String seq : sequences) {
        try (ResultSet r = s.executeQuery("SELECT last_value, is_called FROM \"" + seq + "\"")) {
          r.next();
          out.put("sequence " + seq, r.getLong(1) + (r.getBoolean(2) ? "" : " (unused)"));
        }
      }
    }
    return out;
  }

  private static long scalar(String url, String sql) {
    try (Connection c = connect(url); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(String url, String table) {
    return scalar(url, "SELECT count(*) FROM \"" + table + "\"");
  }

  private static long maxId(String url, String table) {
    return scalar(url, "SELECT max(id) FROM \"" + table + "\"");
  }
}
