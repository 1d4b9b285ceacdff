package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import jakarta.mail.internet.MimeMessage;
import jp.kurashi.connectors.mail.MailStore;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The email channel, against GreenMail")
class MailChannelTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String RESIDENT = "takasaki.hanako@docomo.ne.jp";
  private MailServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new MailServer(vertx);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Row message(String externalId) {
    return server.query("SELECT id, case_id, body, subject, automated FROM message WHERE external_id = $1", externalId)
        .iterator().next();
  }

  /** The Shift_JIS fixture's resident writes: their new case, once its acknowledgement has gone out. */
  private long acknowledgedCase() throws Exception {
    server.deliver(Fixtures.raw("shift-jis.eml"));
    Await.until(WAIT, "ingested", () -> messages() == 1);
    long caseId = message("<sjis-0001@example.ne.jp>").getLong("case_id");
    Await.until(WAIT, "acknowledged", () -> server.sentTo("ichiro.suzuki@example.ne.jp").size() == 1);
    return caseId;
  }

  /** The case token in the subject of the acknowledgement {@link #acknowledgedCase} waited for. */
  private String acknowledgementToken() throws Exception {
    return CaseToken.find(server.sentTo("ichiro.suzuki@example.ne.jp").get(0).getSubject()).orElseThrow().toString();
  }

  private long messages() {
    return server.count("SELECT count(*) FROM message WHERE direction = 'in'");
  }

  @Test
  @DisplayName("takes a carrier phone's ISO-2022-JP mail into a new case, name and text intact, and acknowledges it once")
  void inboundAndAcknowledged() throws Exception {
    server.deliver(Fixtures.raw("carrier-iso2022jp.eml"));

    Await.until(WAIT, "ingested", () -> messages() == 1);
    Row row = message("<20261125221403.A1B2C3@docomo.ne.jp>");
    assertThat(row.getString("body")).contains("髙﨑と申します", "㈱");
    assertThat(row.getString("subject")).isEqualTo("①家賃の相談です(髙﨑)");
    assertThat(server.query("SELECT display_name FROM contact WHERE external_id = $1", RESIDENT).iterator().next()
        .getString(0)).isEqualTo("髙﨑 花子");

    Await.until(WAIT, "acknowledgement sent", () -> server.sentTo(RESIDENT).size() == 1);
    MimeMessage ack = server.sentTo(RESIDENT).get(0);
    assertThat(ack.getHeader("Auto-Submitted", null)).isEqualTo("auto-replied");
    assertThat(ack.getSubject()).matches("Re: ①家賃の相談です\\(髙﨑\\) \\[KS-" + row.getLong("case_id") + "-[0-9a-f]{8}]");
    assertThat(ack.getHeader("In-Reply-To", null)).isEqualTo("<20261125221403.A1B2C3@docomo.ne.jp>");
    assertThat((String) ack.getContent()).contains("ご相談のメールを受け取りました")
        .contains("ご意見・苦情: ").contains("苦情解決責任者");
  }

  @Test
  @DisplayName("answers an old carrier address the strict rules refuse (taro..yamada@docomo.ne.jp, taro.@ezweb.ne.jp)")
  void oldCarrierAddresses() throws Exception {
    for (String address : java.util.List.of("taro..yamada@docomo.ne.jp", "hanako.@ezweb.ne.jp")) {
      server.deliver(Fixtures.plain(address, "<" + address.hashCode() + "@phone.example>", "soudan", "",
          "yachin ga haraemasen"));
      Await.until(WAIT, "acknowledgement to " + address, () -> server.sentTo(address).size() == 1);
      assertThat(server.sentTo(address).get(0).getHeader("To", null)).isEqualTo(address);
    }
  }

  @Test
  @DisplayName("sends a staff reply in the thread, and the resident's answer joins the same case")
  void replyThreads() throws Exception {
    server.deliver(Fixtures.raw("carrier-iso2022jp.eml"));
    Await.until(WAIT, "ingested", () -> messages() == 1);
    long caseId = message("<20261125221403.A1B2C3@docomo.ne.jp>").getLong("case_id");
    Await.until(WAIT, "acknowledged", () -> server.sentTo(RESIDENT).size() == 1);

    long replyId = Await.result(server.replies.queue(caseId, server.staff(), "窓口での面談はいかがでしょうか。")).messageId();

    Await.until(WAIT, "reply sent", () -> server.sentTo(RESIDENT).size() == 2);
    MimeMessage reply = server.sentTo(RESIDENT).get(1);
    assertThat(reply.getFrom()[0].toString()).contains(MailServer.DESK);
    assertThat(reply.getSubject()).isEqualTo(server.sentTo(RESIDENT).get(0).getSubject())
        .matches("Re: ①家賃の相談です\\(髙﨑\\) \\[KS-" + caseId + "-[0-9a-f]{8}]");
    assertThat(reply.getHeader("In-Reply-To", null)).isEqualTo("<20261125221403.A1B2C3@docomo.ne.jp>");
    assertThat(reply.getHeader("References", null)).contains("<20261125221403.A1B2C3@docomo.ne.jp>");
    assertThat(reply.getHeader("Auto-Submitted")).isNull();
    assertThat((String) reply.getContent()).contains("窓口での面談はいかがでしょうか。");
    String sentId = reply.getMessageID();
    Await.until(WAIT, "stored with its Message-ID", () -> sentId.equals(
        server.query("SELECT external_id FROM message WHERE id = $1", replyId).iterator().next().getString(0)));

    server.deliver(Fixtures.raw("gmail-reply.eml", "IN_REPLY_TO", sentId));

    Await.until(WAIT, "answer ingested", () -> messages() == 2);
    assertThat(message("<CAF=gmail-reply-0001@mail.gmail.com>").getLong("case_id")).isEqualTo(caseId);
    assertThat(server.count("SELECT count(*) FROM consultation_case")).isEqualTo(1);
  }

  @Test
  @DisplayName("titles and threads a staff reply on the resident's own mail, not on their auto-responder's answer")
  void replyAfterAutoResponder() throws Exception {
    long caseId = acknowledgedCase();
    String token = acknowledgementToken();
    // Their mailbox answers the acknowledgement: 「自動応答: 不在のお知らせ」, into the same case.
    String away = new String(Fixtures.raw("out-of-office.eml"), java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace("Kenji Tanaka <kenji.tanaka@example.co.jp>", "<ichiro.suzuki@example.ne.jp>")
        .replace("Message-ID: <ooo-0001@example.co.jp>", "Message-ID: <ooo-0001@example.co.jp>\r\nIn-Reply-To: "
            + server.sentTo("ichiro.suzuki@example.ne.jp").get(0).getMessageID());
    server.deliver(away.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    Await.until(WAIT, "auto-reply stored", () -> messages() == 2);
    assertThat(message("<ooo-0001@example.co.jp>").getLong("case_id")).isEqualTo(caseId);

    Await.result(server.replies.queue(caseId, server.staff(), "ご返信ください"));

    Await.until(WAIT, "reply sent", () -> server.sentTo("ichiro.suzuki@example.ne.jp").size() == 2);
    MimeMessage reply = server.sentTo("ichiro.suzuki@example.ne.jp").get(1);
    assertThat(reply.getSubject()).isEqualTo("Re: 借金の返済について " + token);
    assertThat(reply.getHeader("In-Reply-To", null)).isEqualTo("<sjis-0001@example.ne.jp>");
    assertThat(reply.getHeader("References", null)).doesNotContain("ooo-0001");
  }

  @Test
  @DisplayName("joins a case by the token in the subject when the mail has no known references")
  void subjectToken() throws Exception {
    long caseId = acknowledgedCase();
    String token = acknowledgementToken();

    // The same resident from a second mailer: no references, only the token.
    String other = new String(Fixtures.raw("out-of-office.eml"), java.nio.charset.StandardCharsets.ISO_8859_1)
        .replace("Auto-Submitted: auto-replied\r\n", "").replace("X-Autoreply: yes\r\n", "")
        .replace("Kenji Tanaka <kenji.tanaka@example.co.jp>", "<Ichiro.Suzuki@example.ne.jp>")
        .replaceFirst("Subject: .*\r\n", "Subject: Re: " + token + " =?UTF-8?B?5LuK5pel44Gv?=\r\n");
    server.deliver(other.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

    Await.until(WAIT, "second ingested", () -> messages() == 2);
    assertThat(message("<ooo-0001@example.co.jp>").getLong("case_id")).isEqualTo(caseId);
  }

  @Test
  @DisplayName("stores an out-of-office reply but never answers it")
  void noAnswerToAutoReply() throws Exception {
    server.deliver(Fixtures.raw("out-of-office.eml"));

    Await.until(WAIT, "ingested", () -> messages() == 1);
    assertThat(message("<ooo-0001@example.co.jp>").getBoolean("automated")).isTrue();
    Thread.sleep(1_500);
    assertThat(server.sentTo("kenji.tanaka@example.co.jp")).isEmpty();
    assertThat(server.count("SELECT count(*) FROM outbox")).isZero();
  }

  @Test
  @DisplayName("marks the mail a DSN bounce refers to as failed, with the server's reason, its outbox row too")
  void bounce() throws Exception {
    long replyId = bouncedReply("dsn-bounce.eml");
    // Its outbox row failed with it, so 再送 (which takes failed rows) can send it again.
    assertThat(server.count("SELECT count(*) FROM outbox WHERE message_id = " + replyId
        + " AND status = 'failed' AND last_error LIKE '%550 5.1.1%'")).isOne();
  }

  @Test
  @DisplayName("marks the mail a plain-text bounce returns as failed, and opens no case for the mail system")
  void plainBounce() throws Exception {
    bouncedReply("plain-bounce.eml");
    assertThat(server.count("SELECT count(*) FROM contact WHERE external_id LIKE 'mailer-daemon@%'")).isZero();
  }

  /**
   * A staff reply to the Shift_JIS fixture's resident, then the bounce {@code fixture} returning it: the reply is marked
   * failed with the server's reason, and no other case is opened. Returns the reply's message id.
   */
  private long bouncedReply(String fixture) throws Exception {
    long caseId = acknowledgedCase();
    long replyId = Await.result(server.replies.queue(caseId, server.staff(), "ご返信ください")).messageId();
    Await.until(WAIT, "sent", () -> server.sentTo("ichiro.suzuki@example.ne.jp").size() == 2);
    String sentId = server.sentTo("ichiro.suzuki@example.ne.jp").get(1).getMessageID();
    Await.until(WAIT, "id stored", () -> sentId.equals(
        server.query("SELECT external_id FROM message WHERE id = $1", replyId).iterator().next().getString(0)));

    server.deliver(Fixtures.raw(fixture, "BOUNCED_ID", sentId));

    Await.until(WAIT, "failed", () -> "failed".equals(
        server.query("SELECT delivery FROM message WHERE id = $1", replyId).iterator().next().getString(0)));
    assertThat(server.query("SELECT delivery_error FROM message WHERE id = $1", replyId).iterator().next().getString(0))
        .contains("550 5.1.1");
    assertThat(server.count("SELECT count(*) FROM consultation_case")).isEqualTo(1);
    return replyId;
  }

  @Test
  @DisplayName("does not re-ingest after a restart, and picks up what arrived meanwhile")
  void restart() {
    server.deliver(Fixtures.raw("shift-jis.eml"));
    Await.until(WAIT, "ingested", () -> messages() == 1);

    server.stopPoller();
    server.deliver(Fixtures.raw("outlook-html.eml"));
    server.startPoller();

    Await.until(WAIT, "new one ingested", () -> messages() == 2);
    assertThat(server.count("SELECT count(*) FROM mail_inbox")).isEqualTo(2);
    assertThat(server.count("SELECT count(*) FROM attachment")).isEqualTo(1);
  }

  @Test
  @DisplayName("a poller stopped while it takes the mailbox lock leaves the lock to the next one")
  void stoppedWhileLocking() {
    // Stopped right after starting, a poller is often still waiting for the lock; it must not keep it once it comes.
    server.stopPoller();
    for (int i = 0; i < 5; i++) {
      server.startPoller();
      server.stopPoller();
    }
    server.startPoller();
    server.deliver(Fixtures.raw("shift-jis.eml"));

    Await.until(WAIT, "ingested", () -> messages() == 1);
  }

  @Test
  @DisplayName("keeps a broken mail raw, quarantines it after three attempts, and goes on with the next")
  void brokenDoesNotBlock() {
    server.deliver(Fixtures.raw("broken.eml"));
    server.deliver(Fixtures.raw("mislabeled-utf8.eml"));

    Await.until(WAIT, "next one ingested", () -> messages() == 1);
    assertThat(message("<form-0001@city.example>").getString("body")).contains("ガスが止まりそうです");
    Await.until(WAIT, "quarantined", () -> server.count("SELECT count(*) FROM mail_inbox WHERE status = 'quarantined'") == 1);
    Row broken = server.query("SELECT attempts, last_error, length(raw) FROM mail_inbox WHERE status = 'quarantined'")
        .iterator().next();
    assertThat(broken.getInteger(0)).isEqualTo(3);
    assertThat(broken.getString(1)).isNotBlank();
    assertThat(broken.getInteger(2)).isPositive();
    assertThat(Await.result(server.mailStore.quarantined())).isEqualTo(1);
  }

  @Test
  @DisplayName("lets only one instance hold a mailbox's lock")
  void oneLockHolder() {
    var first = Await.result(server.mailStore.tryLock("test@example/INBOX"));
    var second = Await.result(server.mailStore.tryLock("test@example/INBOX"));
    assertThat(first).isPresent();
    assertThat(second).isEmpty();
    Await.result(first.get().release());
    var third = Await.result(server.mailStore.tryLock("test@example/INBOX"));
    assertThat(third).isPresent();
    Await.result(third.get().release());
  }
}
