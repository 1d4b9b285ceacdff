package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Poison mails, against GreenMail")
class MailPoisonTest {

  /**
   * Longer than one round over 26 mails takes on a loaded two-core machine (about 1 s), so "within one
   * poll interval" means "in the round that fetched it"; the production default is 60 s.
   */
  private static final Duration POLL = Duration.ofSeconds(2);
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String LONG_ID = "<" + "a".repeat(2000) + "@poison.example>";
  /** Words every poison mail carries in its body; no quarantine reason may repeat them. */
  private static final String SECRET = "家賃を三か月滞納";
  private static final String DUPLICATE_NAME = "重複 太郎";

  private MailServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new MailServer(vertx, POLL);
    // Database errors provoked on purpose: one mail always refused, one losing a race once (the message
    // quotes the body, as PostgreSQL's own messages quote values), and a real unique violation.
    server.query("CREATE SEQUENCE poison_once");
    server.query("""
        CREATE FUNCTION poison_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.external_id = '<db-always@poison.example>' THEN
            RAISE EXCEPTION 'refused: %', NEW.body USING ERRCODE = 'check_violation';
          END IF;
          IF NEW.external_id = '<db-once@poison.example>' THEN
            IF nextval('poison_once') = 1 THEN
              RAISE EXCEPTION 'refused once: %', NEW.body USING ERRCODE = 'serialization_failure';
            END IF;
          END IF;
          RETURN NEW;
        END $$""");
    server.query("CREATE TRIGGER poison_guard BEFORE INSERT ON message FOR EACH ROW EXECUTE FUNCTION poison_guard()");
    server.query("INSERT INTO contact (office_id, channel, external_id, display_name) VALUES ($1, 'mail', $2, $3)",
        server.officeId, "someone.else@example.jp", DUPLICATE_NAME);
    server.query("CREATE UNIQUE INDEX poison_unique_name ON contact (display_name) WHERE display_name = '"
        + DUPLICATE_NAME + "'");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  enum Outcome { INGESTED, QUARANTINED }

  record Poison(String name, Outcome expected, byte[] raw) {
  }

  @Test
  @DisplayName("25 poison mails, then a good one: the good one is in a case within one poll interval, "
      + "and each poison mail is ingested clean or quarantined raw with a reason")
  void poisonNeverBlocks() {
    deliverAndWait(plain("warm-up", "warm.up@example.jp", "<warm-up@example.jp>", "Subject: hello\r\n", "warm"));
    long warmUp = server.count("SELECT count(*) FROM mail_inbox");

    List<Poison> poison = poison();
    assertThat(poison).hasSize(25);
    for (Poison p : poison) {
      server.deliver(p.raw());
    }
    server.deliver(plain("good", "good.resident@example.jp", "<good@example.jp>",
        "Subject: =?UTF-8?B?" + b64("相談です") + "?=\r\n", "よろしくお願いします"));

    // Arrival at the gateway: its raw row is committed (GreenMail has no IMAP IDLE, so the poller
    // sees the mailbox on its next tick). From there the 25 poison mails may cost no extra round.
    Await.until(WAIT, "all fetched", () -> server.count("SELECT count(*) FROM mail_inbox") == warmUp + 26);
    long arrived = System.nanoTime();
    Await.until(WAIT, "the good mail in a case", () -> server.count(
        "SELECT count(*) FROM message WHERE external_id = '<good@example.jp>' AND case_id IS NOT NULL") == 1);
    Duration took = Duration.ofNanos(System.nanoTime() - arrived);
    assertThat(took).as("good mail's delay behind 25 poison mails").isLessThanOrEqualTo(server.settings.pollInterval());

    Await.until(WAIT, "every poison mail settled", () -> server.count(
        "SELECT count(*) FROM mail_inbox WHERE status = 'pending'") == 0);

    // Nothing lost: every delivered mail has its raw row, and each ended stored or quarantined.
    assertThat(server.count("SELECT count(*) FROM mail_inbox")).isEqualTo(warmUp + poison.size() + 1);
    assertThat(server.count("SELECT count(*) FROM mail_inbox WHERE status = 'done' AND message_id IS NULL")).isZero();
    Map<String, Row> rows = rowsByPoison();
    for (Poison p : poison) {
      Row row = rows.get(p.name());
      assertThat(row).as(p.name()).isNotNull();
      if (p.expected() == Outcome.INGESTED) {
        assertThat(row.getString("status")).as(p.name() + " " + row.getString("last_error")).isEqualTo("done");
        assertThat(caseOf(row.getLong("message_id"))).as(p.name()).isNotNull();
      } else {
        assertThat(row.getString("status")).as(p.name()).isEqualTo("quarantined");
        assertThat(row.getInteger("attempts")).as(p.name()).isEqualTo(MailServer.RETRY.maxAttempts());
        assertThat(row.getBuffer("raw").getBytes()).as(p.name()).isEqualTo(p.raw());
        assertThat(row.getString("last_error")).as(p.name()).isNotBlank().doesNotContain(SECRET, "@", "refused",
            DUPLICATE_NAME, "xxxx");
      }
    }

    // An operator sees them: no resident or consultant will.
    long quarantined = poison.stream().filter(p -> p.expected() != Outcome.INGESTED).count();
    Await.until(WAIT, "the quarantine counted for operators", () -> server.metrics.render()
        .contains("mail_quarantined_mails " + quarantined + "\n"));

    // Normalised like message text, and bounded.
    assertThat(subject(rows, "nul-subject-raw")).isEqualTo("rent help");
    assertThat(subject(rows, "nul-subject-encoded")).isEqualTo("家賃の相談");
    assertThat(subject(rows, "nul-subject-q")).isEqualTo("abcdef");
    assertThat(subject(rows, "long-nul-subject")).hasSize(998).doesNotContain("\0");
    assertThat(message(rows, "nul-message-id").getString("external_id")).isEqualTo("<nulid@poison.example>");
    assertThat(message(rows, "bare-nul-message-id").getString("external_id")).isEqualTo("xy");
    assertThat(message(rows, "long-message-id").getString("external_id")).startsWith("sha256-id:").hasSize(74);
    assertThat(message(rows, "long-id-reply").getLong("case_id"))
        .as("a reply to the 2 KB Message-ID joins its case").isEqualTo(message(rows, "long-message-id").getLong("case_id"));
    assertThat(Await.result(server.mailStore.caseByMessageIds(java.util.List.of(MailParser.messageKey(LONG_ID)))))
        .as("the reply's In-Reply-To finds the case").contains(message(rows, "long-message-id").getLong("case_id"));
    assertThat(server.query("SELECT file_name FROM attachment WHERE message_id = $1",
        rows.get("nul-file-name").getLong("message_id")).iterator().next().getString(0)).isEqualTo("report.pdf");
    Row longName = message(rows, "nul-body-long-name");
    assertThat(longName.getString("body")).doesNotContain("\0").contains(SECRET);
    assertThat(server.query("SELECT display_name FROM contact WHERE id = $1", longName.getLong("contact_id"))
        .iterator().next().getString(0)).hasSize(200);
    assertThat(rows.get("db-once").getInteger("attempts"))
        .as("a lost race (serialization failure): stored when taken again, no attempt counted").isZero();
    assertThat(rows.get("db-always").getString("last_error")).isEqualTo("database error SQLSTATE 23514");
    assertThat(rows.get("unique-violation").getString("last_error")).isEqualTo("database error SQLSTATE 23505");
    assertThat(rows.get("long-local-part").getString("last_error")).isEqualTo("sender address too long");
  }

  @Test
  @DisplayName("keeps a failing mail's attempt count across a restart")
  void attemptsSurviveRestart() {
    server.deliver(plain("db-always", "always@example.jp", "<db-always@poison.example>", "Subject: x\r\n", "x"));
    Await.until(WAIT, "first attempt failed", () -> server.count("SELECT count(*) FROM mail_inbox WHERE attempts >= 1") == 1);
    server.stopPoller();
    assertThat(server.count("SELECT count(*) FROM mail_inbox WHERE status = 'pending'")).isEqualTo(1);

    server.startPoller();

    Await.until(WAIT, "quarantined", () -> server.count(
        "SELECT count(*) FROM mail_inbox WHERE status = 'quarantined'") == 1);
    assertThat(server.count("SELECT attempts::bigint FROM mail_inbox")).isEqualTo(MailServer.RETRY.maxAttempts());
  }

  @Test
  @DisplayName("a mail a stopped gateway was ingesting counts an attempt when taken again; on the last one it is "
      + "quarantined, so a mail that kills the gateway cannot stop the desk at every start")
  void takenByAStoppedGateway() {
    server.stopPoller();
    int last = MailServer.RETRY.maxAttempts() - 1;
    // Rows as a gateway killed mid-ingest leaves them: taken by a poller that no longer runs, no outcome recorded.
    String key = server.settings.mailboxKey();
    String insert = "INSERT INTO mail_inbox (mailbox, uidvalidity, uid, raw, attempts, taken_by) "
        + "VALUES ($1, 0, $2, $3, $4, $5)";
    server.query(insert, key, 1L, io.vertx.core.buffer.Buffer.buffer(plain("once", "once@example.jp", "<interrupted-once@example.jp>",
        "Subject: x\r\n", "一度止まった")), 0, java.util.UUID.randomUUID());
    server.query(insert, key, 2L, io.vertx.core.buffer.Buffer.buffer(plain("crasher", "crasher@example.jp", "<crasher@example.jp>",
        "Subject: x\r\n", SECRET)), last, java.util.UUID.randomUUID());
    server.query(insert, key, 3L, io.vertx.core.buffer.Buffer.buffer(plain("untaken", "untaken@example.jp", "<untaken@example.jp>",
        "Subject: x\r\n", "まだ")), 0, null);

    server.startPoller();

    Await.until(WAIT, "all settled", () -> server.count("SELECT count(*) FROM mail_inbox WHERE status = 'pending'") == 0);
    Map<String, Row> rows = rowsByPoison();
    assertThat(rows.get("once").getString("status")).as("taken again at once and stored").isEqualTo("done");
    assertThat(rows.get("once").getInteger("attempts")).as("the interrupted ingest counted").isEqualTo(1);
    assertThat(rows.get("crasher").getString("status")).isEqualTo("quarantined");
    assertThat(rows.get("crasher").getInteger("attempts")).isEqualTo(MailServer.RETRY.maxAttempts());
    assertThat(rows.get("crasher").getString("last_error")).isEqualTo(MailIngest.INTERRUPTED);
    assertThat(server.count("SELECT count(*) FROM message WHERE external_id = '<crasher@example.jp>'"))
        .as("not ingested once quarantined").isZero();
    assertThat(rows.get("untaken").getString("status")).isEqualTo("done");
    assertThat(rows.get("untaken").getInteger("attempts")).as("no mark, no attempt").isZero();
    assertThat(server.count("SELECT count(*) FROM mail_inbox WHERE taken_by IS NOT NULL"))
        .as("every outcome clears the mark").isZero();
  }

  @Test
  @DisplayName("a stopping poller finishes the mail in hand and takes no further one before it lets go of the mailbox")
  void stopsBetweenMails() throws InterruptedException {
    server.stopPoller();
    String insert = "INSERT INTO mail_inbox (mailbox, uidvalidity, uid, raw) VALUES ($1, 0, $2, $3)";
    int mails = 60;
    for (long uid = 1; uid <= mails; uid++) {
      server.query(insert, server.settings.mailboxKey(), uid, io.vertx.core.buffer.Buffer.buffer(plain("batch-" + uid,
          "batch" + uid + "@example.jp", "<batch-" + uid + "@example.jp>", "Subject: x\r\n", "順番")));
    }
    server.startPoller();
    Await.until(WAIT, "the first mails stored",
        () -> server.count("SELECT count(*) FROM mail_inbox WHERE status = 'done'") >= 2);

    server.stopPoller();

    long done = server.count("SELECT count(*) FROM mail_inbox WHERE status = 'done'");
    assertThat(done).as("stopped mid-batch").isLessThan(mails);
    assertThat(server.count("SELECT count(*) FROM mail_inbox WHERE taken_by IS NOT NULL"))
        .as("no mail left in hand").isZero();
    Thread.sleep(500);
    assertThat(server.count("SELECT count(*) FROM mail_inbox WHERE status = 'done'"))
        .as("nothing taken after the stop").isEqualTo(done);
    assertThat(server.count("SELECT count(*) FROM mail_inbox WHERE attempts > 0")).isZero();
  }

  // ---------------------------------------------------------------------------------------------

  private void deliverAndWait(byte[] raw) {
    long before = server.count("SELECT count(*) FROM message WHERE direction = 'in'");
    server.deliver(raw);
    Await.until(WAIT, "ingested", () -> server.count("SELECT count(*) FROM message WHERE direction = 'in'") > before);
  }

  private Long caseOf(Long messageId) {
    return messageId == null ? null
        : server.query("SELECT case_id FROM message WHERE id = $1", messageId).iterator().next().getLong(0);
  }

  private Row message(Map<String, Row> rows, String name) {
    return server.query("SELECT * FROM message WHERE id = $1", rows.get(name).getLong("message_id")).iterator().next();
  }

  private String subject(Map<String, Row> rows, String name) {
    return message(rows, name).getString("subject");
  }

  /** The raw inbox rows, by the X-Poison header each test mail carries. */
  private Map<String, Row> rowsByPoison() {
    Map<String, Row> out = new HashMap<>();
    for (Row row : server.query("SELECT id, raw, status, attempts, last_error, message_id FROM mail_inbox")) {
      String raw = new String(row.getBuffer("raw").getBytes(), StandardCharsets.ISO_8859_1);
      int at = raw.indexOf("X-Poison: ");
      if (at >= 0) {
        out.put(raw.substring(at + 10, raw.indexOf('\r', at)), row);
      }
    }
    return out;
  }

  /**
   * The first twenty all made the old poller fail without counting an attempt, so they stayed due
   * for ever and, filling a whole batch, kept it from reaching anything behind them.
   */
  private static List<Poison> poison() {
    List<Poison> p = new ArrayList<>();
    p.add(ingested("nul-subject-raw", plain("nul-subject-raw", "a1@example.jp", "<a1@poison.example>",
        "Subject: rent\0 help\r\n", SECRET)));
    p.add(ingested("nul-subject-encoded", plain("nul-subject-encoded", "a2@example.jp", "<a2@poison.example>",
        "Subject: =?UTF-8?B?" + b64("家賃\0の相談") + "?=\r\n", SECRET)));
    p.add(ingested("nul-subject-q", plain("nul-subject-q", "a3@example.jp", "<a3@poison.example>",
        "Subject: =?UTF-8?Q?abc=00def?=\r\n", SECRET)));
    p.add(ingested("nul-message-id", plain("nul-message-id", "a4@example.jp", "<nul\0id@poison.example>",
        "Subject: id\r\n", SECRET)));
    p.add(ingested("long-message-id", plain("long-message-id", "a5@example.jp", LONG_ID, "Subject: long\r\n", SECRET)));
    p.add(ingested("long-nul-message-id", plain("long-nul-message-id", "a6@example.jp",
        "<" + "b".repeat(1500) + "\0@poison.example>", "Subject: long\r\n", SECRET)));
    p.add(ingested("bare-nul-message-id", plain("bare-nul-message-id", "a7@example.jp", "x\0y", "Subject: id\r\n",
        SECRET)));
    p.add(ingested("over-limit-message-id", plain("over-limit-message-id", "a8@example.jp",
        "<" + "c".repeat(600) + "@poison.example>", "Subject: id\r\n", SECRET)));
    p.add(ingested("nul-file-name", attachment("nul-file-name", "a9@example.jp", "report\0.pdf")));
    p.add(ingested("nul-file-name-encoded", attachment("nul-file-name-encoded", "a10@example.jp",
        "=?UTF-8?B?" + b64("明細\0.pdf") + "?=")));
    p.add(ingested("long-nul-subject", plain("long-nul-subject", "a11@example.jp", "<a11@poison.example>",
        "Subject: " + "s".repeat(3000) + "\0" + "t".repeat(2000) + "\r\n", SECRET)));
    p.add(ingested("nul-in-reply-to", plain("nul-in-reply-to", "a12@example.jp", "<a12@poison.example>",
        "Subject: re\r\nIn-Reply-To: <ref\0x@poison.example>\r\n", SECRET)));
    p.add(ingested("nul-references", plain("nul-references", "a13@example.jp", "<a13@poison.example>",
        "Subject: re\r\nReferences: <r1@poison.example> <" + "d".repeat(2000) + "\0@poison.example>\r\n", SECRET)));
    p.add(ingested("bounce-nul-original", bounce("bounce-nul-original")));
    p.add(quarantined("long-local-part", plain("long-local-part", "x".repeat(3000) + "@example.jp",
        "<a15@poison.example>", "Subject: hi\r\n", SECRET)));
    p.add(quarantined("long-bare-address", raw("From: " + "x".repeat(3000) + "@example.jp\r\n"
        + "Message-ID: <a16@poison.example>\r\nX-Poison: long-bare-address\r\nSubject: hi\r\n\r\n" + SECRET_ASCII)));
    p.add(quarantined("nul-address", plain("nul-address", "xxxx\0yy@example.jp", "<a17@poison.example>",
        "Subject: hi\r\n", SECRET)));
    p.add(quarantined("db-always", plain("db-always", "a18@example.jp", "<db-always@poison.example>",
        "Subject: hi\r\n", SECRET)));
    p.add(quarantined("unique-violation", named("unique-violation", DUPLICATE_NAME, "a19@example.jp")));
    p.add(ingested("nul-subject-html", html("nul-subject-html", "a20@example.jp")));

    p.add(ingested("db-once", plain("db-once", "a21@example.jp", "<db-once@poison.example>", "Subject: hi\r\n", SECRET)));
    // From the same resident: a reference continues only the sender's own case (issue 14 item 1).
    p.add(ingested("long-id-reply", plain("long-id-reply", "a5@example.jp", "<a22@poison.example>",
        "Subject: re\r\nIn-Reply-To: " + LONG_ID + "\r\n", SECRET)));
    p.add(ingested("nul-body-long-name", named("nul-body-long-name", "長".repeat(1000), "a23@example.jp")));
    p.add(ingested("invalid-charset", raw("From: a24@example.jp\r\nMessage-ID: <a24@poison.example>\r\n"
        + "X-Poison: invalid-charset\r\nSubject: =?x-no-such-charset?B?" + b64("相談") + "?=\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=\"x-no-such-charset\"\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n" + b64(SECRET + "\0") + "\r\n")));
    p.add(quarantined("deep-nesting", nested("deep-nesting", "a25@example.jp", 40)));
    return p;
  }

  private static final String SECRET_ASCII = "rent arrears for three months";

  private static Poison ingested(String name, byte[] raw) {
    return new Poison(name, Outcome.INGESTED, raw);
  }

  private static Poison quarantined(String name, byte[] raw) {
    return new Poison(name, Outcome.QUARANTINED, raw);
  }

  private static byte[] raw(String text) {
    return text.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** A UTF-8 text mail; {@code headers} end with CRLF. */
  private static byte[] plain(String name, String from, String messageId, String headers, String body) {
    return raw("From: <" + from + ">\r\nTo: " + MailServer.DESK + "\r\nMessage-ID: " + messageId + "\r\n"
        + "X-Poison: " + name + "\r\n" + headers + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + b64(body) + "\r\n");
  }

  /** A mail from a display name, with a NUL in its body. */
  private static byte[] named(String name, String displayName, String from) {
    return raw("From: =?UTF-8?B?" + b64(displayName) + "?= <" + from + ">\r\nTo: " + MailServer.DESK + "\r\n"
        + "Message-ID: <" + name + "@poison.example>\r\nX-Poison: " + name + "\r\nSubject: hi\r\n"
        + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64(SECRET + "\0です") + "\r\n");
  }

  private static byte[] attachment(String name, String from, String fileName) {
    return raw("From: <" + from + ">\r\nMessage-ID: <" + name + "@poison.example>\r\nX-Poison: " + name + "\r\n"
        + "Subject: file\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        + "--b1\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + b64(SECRET) + "\r\n--b1\r\nContent-Type: application/pdf\r\n"
        + "Content-Disposition: attachment; filename=\"" + fileName + "\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + Base64.getEncoder().encodeToString("%PDF-1.4".getBytes(StandardCharsets.US_ASCII)) + "\r\n--b1--\r\n");
  }

  private static byte[] html(String name, String from) {
    return raw("From: <" + from + ">\r\nMessage-ID: <" + name + "@poison.example>\r\nX-Poison: " + name + "\r\n"
        + "Subject: html\0mail\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset=UTF-8\r\n"
        + "Content-Transfer-Encoding: base64\r\n\r\n" + b64("<p>" + SECRET + "\0</p>") + "\r\n");
  }

  /** A delivery report about a mail whose Message-ID carries a NUL. */
  private static byte[] bounce(String name) {
    return raw("From: MAILER-DAEMON@mx.example.jp\r\nMessage-ID: <" + name + "@poison.example>\r\n"
        + "X-Poison: " + name + "\r\nSubject: Undelivered\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r1\"\r\n\r\n"
        + "--r1\r\nContent-Type: text/plain\r\n\r\nnot delivered\r\n"
        + "--r1\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\nDiagnostic-Code: smtp; 550\0 no\r\n\r\n"
        + "--r1\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig\0@kurashi.example>\r\n\r\n--r1--\r\n");
  }

  /** Multiparts nested {@code depth} deep. */
  private static byte[] nested(String name, String from, int depth) {
    StringBuilder b = new StringBuilder("From: <" + from + ">\r\nMessage-ID: <" + name + "@poison.example>\r\n"
        + "X-Poison: " + name + "\r\nSubject: nested\r\nMIME-Version: 1.0\r\n");
    for (int i = 0; i < depth; i++) {
      b.append("Content-Type: multipart/mixed; boundary=\"n").append(i).append("\"\r\n\r\n--n").append(i).append("\r\n");
    }
    b.append("Content-Type: text/plain\r\n\r\n").append(SECRET_ASCII).append("\r\n");
    for (int i = depth - 1; i >= 0; i--) {
      b.append("--n").append(i).append("--\r\n");
    }
    return raw(b.toString());
  }
}
