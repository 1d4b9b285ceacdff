package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import jakarta.mail.internet.MimeMessage;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14 items 1 and 9: a mail can only write into its own sender's case, and only a real delivery
 * status notification marks the desk's mail failed.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Mail threading and bounces against a hostile sender, against GreenMail")
class MailThreadSecurityTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String A = "ichiro.suzuki@example.ne.jp";
  private static final String B = "intruder@example.org";
  private static final Pattern TOKEN = Pattern.compile("\\[KS-(\\d+)-([0-9a-f]{8})]");
  private MailServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new MailServer(vertx);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private long inbound() {
    return server.count("SELECT count(*) FROM message WHERE direction = 'in'");
  }

  private Row message(String externalId) {
    return server.query("""
        SELECT m.id, m.case_id, m.automated, k.external_id AS case_contact
          FROM message m JOIN consultation_case c ON c.id = m.case_id JOIN contact k ON k.id = c.contact_id
         WHERE m.external_id = $1""", externalId).iterator().next();
  }

  /** A's case with one inbound mail and the desk's acknowledgement: {case id, ack Message-ID, ack subject}. */
  private String[] residentAWrote() throws Exception {
    server.deliver(Fixtures.raw("shift-jis.eml"));
    Await.until(WAIT, "A ingested", () -> inbound() == 1);
    Await.until(WAIT, "A acknowledged", () -> server.sentTo(A).size() == 1);
    MimeMessage ack = server.sentTo(A).get(0);
    return new String[] {String.valueOf(message("<sjis-0001@example.ne.jp>").getLong("case_id")), ack.getMessageID(),
        ack.getSubject()};
  }

  @Test
  @DisplayName("puts a mail from B carrying A's case token and A's Message-IDs into B's own case; A's own reply still continues A's")
  void noCrossCaseWrite() throws Exception {
    String[] a = residentAWrote();
    long caseA = Long.parseLong(a[0]);
    String references = "In-Reply-To: " + a[1] + "\r\nReferences: <sjis-0001@example.ne.jp> " + a[1] + "\r\n";

    server.deliver(Fixtures.plain(B, "<b-0001@example.org>", "Re: [KS-" + caseA + "] hello", references, "not my case"));
    server.deliver(Fixtures.plain(B, "<b-0002@example.org>", "Re: " + a[2], references, "not my case either"));

    Await.until(WAIT, "B ingested", () -> inbound() == 3);
    Row first = message("<b-0001@example.org>");
    Row second = message("<b-0002@example.org>");
    assertThat(first.getLong("case_id")).isNotEqualTo(caseA);
    assertThat(first.getString("case_contact")).isEqualTo(B);
    assertThat(second.getLong("case_id")).isEqualTo(first.getLong("case_id"));
    assertThat(server.count("SELECT count(*) FROM message WHERE case_id = $1 AND direction = 'in'", caseA)).isOne();

    server.deliver(Fixtures.plain(A, "<a-0002@example.ne.jp>", "Re: " + a[2], references, "my answer"));
    Await.until(WAIT, "A's answer ingested", () -> inbound() == 4);
    assertThat(message("<a-0002@example.ne.jp>").getLong("case_id")).isEqualTo(caseA);
  }

  @Test
  @DisplayName("gives outgoing mail a case token with a random part, and a guessed random part continues nothing")
  void guessedToken() throws Exception {
    String[] a = residentAWrote();
    long caseA = Long.parseLong(a[0]);
    Matcher token = TOKEN.matcher(a[2]);
    assertThat(token.find()).as("token in %s", a[2]).isTrue();
    assertThat(Long.parseLong(token.group(1))).isEqualTo(caseA);
    String guess = token.group(2).equals("00000000") ? "00000001" : "00000000";

    server.deliver(Fixtures.plain(B, "<b-0003@example.org>", "Re: [KS-" + caseA + "-" + guess + "] hello", "", "guess"));

    Await.until(WAIT, "B ingested", () -> inbound() == 2);
    assertThat(message("<b-0003@example.org>").getString("case_contact")).isEqualTo(B);
    assertThat(server.count("SELECT count(*) FROM message WHERE case_id = $1 AND direction = 'in'", caseA)).isOne();
    assertThat(Await.result(server.mailStore.caseByToken(caseA, guess))).isEmpty();
    assertThat(Await.result(server.mailStore.caseByToken(caseA, token.group(2)))).contains(caseA);
  }

  @Test
  @DisplayName("stores a resident forwarding the desk's mail as an attachment as their message, and leaves the desk's mail delivered")
  void forwardIsNotABounce() throws Exception {
    residentAWrote();
    MimeMessage ack = server.sentTo(A).get(0);
    String ackId = ack.getMessageID();
    Await.until(WAIT, "ack id stored", () -> server.count(
        "SELECT count(*) FROM message WHERE external_id = $1 AND direction = 'out'", ackId) == 1);
    String forward = """
        Date: Thu, 26 Nov 2026 12:30:00 +0900\r
        From: %s\r
        To: desk@kurashi.example\r
        Subject: Fwd: your mail\r
        Message-ID: <fwd-0001@example.ne.jp>\r
        MIME-Version: 1.0\r
        Content-Type: multipart/mixed; boundary="fwd"\r
        \r
        --fwd\r
        Content-Type: text/plain; charset=us-ascii\r
        \r
        Please see the mail you sent me.\r
        > Message-ID: %s\r
        --fwd\r
        Content-Type: message/rfc822\r
        Content-Disposition: attachment\r
        \r
        From: desk@kurashi.example\r
        To: %s\r
        Subject: Re: hello\r
        Message-ID: %s\r
        \r
        the desk's words\r
        --fwd--\r
        """.formatted(A, ackId, A, ackId);
    server.deliver(forward.getBytes(StandardCharsets.US_ASCII));

    Await.until(WAIT, "forward ingested", () -> inbound() == 2);
    Row row = message("<fwd-0001@example.ne.jp>");
    assertThat(row.getString("case_contact")).isEqualTo(A);
    assertThat(row.getBoolean("automated")).isFalse();
    assertThat(server.query("SELECT delivery FROM message WHERE external_id = $1", ackId).iterator().next()
        .getString(0)).isNotEqualTo("failed");
  }

  @Test
  @DisplayName("ignores a hand-made delivery report naming A's mail for another recipient: A's mail stays delivered")
  void forgedBounce() throws Exception {
    residentAWrote();
    String ackId = server.sentTo(A).get(0).getMessageID();
    Await.until(WAIT, "ack id stored", () -> server.count(
        "SELECT count(*) FROM message WHERE external_id = $1 AND direction = 'out'", ackId) == 1);
    server.deliver(Fixtures.deliveryReport(B, "<forged-dsn-0001@example.org>", B, ackId));

    Await.until(WAIT, "forged report stored", () -> inbound() == 2);
    assertThat(message("<forged-dsn-0001@example.org>").getString("case_contact")).isEqualTo(B);
    assertThat(server.query("SELECT delivery FROM message WHERE external_id = $1", ackId).iterator().next()
        .getString(0)).isNotEqualTo("failed");
  }

  @Test
  @DisplayName("stores B's mail that reuses A's Message-ID, or the desk's, in B's case; the same mail delivered twice, or the desk's own coming back, once")
  void reusedMessageId() throws Exception {
    residentAWrote();
    String ackId = server.sentTo(A).get(0).getMessageID();
    Await.until(WAIT, "ack id stored", () -> server.count(
        "SELECT count(*) FROM message WHERE external_id = $1 AND direction = 'out'", ackId) == 1);

    server.deliver(Fixtures.plain(B, "<sjis-0001@example.ne.jp>", "hello", "", "same id as A's first mail"));
    server.deliver(Fixtures.plain(B, ackId, "hello again", "", "same id as the desk's mail to A"));
    server.deliver(Fixtures.plain(B, "<sjis-0001@example.ne.jp>", "hello", "", "same id as A's first mail"));
    server.deliver(Fixtures.plain(A, "<sjis-0001@example.ne.jp>", "again", "", "A's mailer sent it twice"));
    server.deliver(Fixtures.plain(MailServer.DESK, ackId, "Re: hello", "", "the desk's own mail, copied back to it"));

    Await.until(WAIT, "all five handled", () -> server.count("SELECT count(*) FROM mail_inbox WHERE status = 'done'") == 6);
    assertThat(inbound()).as("A's first, B's two; the repeats are duplicates").isEqualTo(3);
    assertThat(server.count("""
        SELECT count(*) FROM message m JOIN contact k ON k.id = m.contact_id
         WHERE m.direction = 'in' AND k.external_id = $1""", B)).isEqualTo(2);
    assertThat(message("<sjis-0001@example.ne.jp>").getString("case_contact")).isEqualTo(A);
    assertThat(server.count("SELECT count(*) FROM message WHERE external_id = $1", ackId)).isOne();
  }
}
