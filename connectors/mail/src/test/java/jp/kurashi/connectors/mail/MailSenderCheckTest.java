package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.CaseMessage;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A forged From: anyone who knows a resident's address can write it. With {@code MAIL_AUTHSERV_ID}, a mail counts as
 * the resident's only with the desk's own server's DMARC pass; any other is marked for staff and gives no consent.
 */
@DisplayName("The sender of a mail")
class MailSenderCheckTest {

  private static final String DESK_MX = "mx.kurashi.example";
  private static final String RESIDENT = "takasaki.hanako@docomo.ne.jp";
  private static final SenderAuthentication CHECK = new SenderAuthentication(DESK_MX);

  @Nested
  @DisplayName("read from Authentication-Results")
  class Headers {

    private boolean unverified(String... headers) {
      return CHECK.unverified(List.of(headers), RESIDENT, true);
    }

    @Test
    @DisplayName("is confirmed by the desk's server's DMARC pass for the From's domain, comments and case aside")
    void pass() {
      assertThat(unverified(DESK_MX + "; spf=pass smtp.mailfrom=docomo.ne.jp; dkim=pass header.d=docomo.ne.jp;"
          + " dmarc=pass (p=none dis=none) header.from=docomo.ne.jp")).isFalse();
      assertThat(unverified("MX.Kurashi.Example 1; (checked) DMARC=Pass header.from=\"docomo.ne.jp\"")).isFalse();
    }

    @Test
    @DisplayName("is not confirmed without the desk's header, by a failure, or by a pass for another domain")
    void notConfirmed() {
      assertThat(unverified()).isTrue();
      assertThat(unverified(DESK_MX + "; none")).isTrue();
      assertThat(unverified(DESK_MX + "; spf=pass smtp.mailfrom=evil.example; dmarc=fail header.from=docomo.ne.jp"))
          .isTrue();
      assertThat(unverified(DESK_MX + "; dmarc=pass header.from=evil.example")).isTrue();
      assertThat(unverified(DESK_MX + "; dkim=pass header.d=docomo.ne.jp (dmarc=pass)")).isTrue();
      assertThat(unverified(DESK_MX + "; dmarc=pass")).as("no header.from").isTrue();
      assertThat(unverified(DESK_MX + "; dmarc=pass header.from=docomo.ne.jp; dmarc=fail header.from=docomo.ne.jp"))
          .as("two DMARC results").isTrue();
    }

    @Test
    @DisplayName("keeps a quoted ; or ( in a sender-written value inside that value: a planted dmarc=pass counts for nothing")
    void plantedInQuotes() {
      assertThat(unverified(DESK_MX + "; spf=pass smtp.mailfrom=\"a; dmarc=pass b\"@evil.example;"
          + " dmarc=fail header.from=docomo.ne.jp")).isTrue();
      assertThat(unverified(DESK_MX + "; spf=pass smtp.mailfrom=\"a\\\"; dmarc=pass header.from=docomo.ne.jp\"@evil.example;"
          + " dmarc=fail header.from=docomo.ne.jp")).isTrue();
      assertThat(unverified(DESK_MX + "; spf=pass smtp.helo=\"(\"; dmarc=pass header.from=docomo.ne.jp")).isFalse();
    }

    @Test
    @DisplayName("reads a header of the desk's server too long to be a result as saying nothing, and does not look below it")
    void tooLong() {
      String padded = DESK_MX + "; dkim=pass header.d=docomo.ne.jp" + " (x)".repeat(3000)
          + "; dmarc=pass header.from=docomo.ne.jp";
      assertThat(unverified(padded, DESK_MX + "; dmarc=pass header.from=docomo.ne.jp")).isTrue();
    }

    @Test
    @DisplayName("does not trust a From that a strict reader would read as another address, or two From headers")
    void ambiguousFrom() throws Exception {
      MailParser parser = new MailParser(1024 * 1024);
      String pass = "Authentication-Results: " + DESK_MX + "; dmarc=pass header.from=gmail.com\r\n";
      ParsedMail hidden = parser.parse((pass + "From: attacker@gmail.com (<victim@gmail.com>)\r\n"
          + "Message-ID: <h-1@gmail.com>\r\n\r\n同意します\r\n").getBytes(StandardCharsets.UTF_8));
      assertThat(hidden.fromAddress()).isEqualTo("victim@gmail.com");
      assertThat(CHECK.unverified(hidden.authenticationResults(), hidden.fromAddress(), hidden.fromUnambiguous()))
          .isTrue();
      ParsedMail twice = parser.parse((pass + "From: victim@gmail.com\r\nFrom: attacker@gmail.com\r\n"
          + "Message-ID: <h-2@gmail.com>\r\n\r\n同意します\r\n").getBytes(StandardCharsets.UTF_8));
      assertThat(twice.fromUnambiguous()).isFalse();
      ParsedMail plain = parser.parse((pass + "From: =?UTF-8?B?5bGx55Sw?= <Victim@gmail.com>\r\n"
          + "Message-ID: <h-3@gmail.com>\r\n\r\n同意します\r\n").getBytes(StandardCharsets.UTF_8));
      assertThat(CHECK.unverified(plain.authenticationResults(), plain.fromAddress(), plain.fromUnambiguous()))
          .isFalse();
    }

    @Test
    @DisplayName("trusts a carrier's old address with two dots, a quoted local part and a raw Shift_JIS name; not one two readers could read apart")
    void japaneseFroms() throws Exception {
      String pass = "Authentication-Results: " + DESK_MX + "; dmarc=pass header.from=docomo.ne.jp\r\n";
      assertThat(from(pass, "taro..yamada@docomo.ne.jp".getBytes(StandardCharsets.US_ASCII)).fromUnambiguous()).isTrue();
      ParsedMail quotedLocal = from(pass, "<\"taro..yamada\"@docomo.ne.jp>".getBytes(StandardCharsets.US_ASCII));
      assertThat(quotedLocal.fromUnambiguous()).isTrue();
      // 「表示」 in Shift_JIS is 95 5C 8E A6: its 5C reads as an escape of 8E to one reader, as a character to another,
      // and both find the same address.
      ParsedMail sjis = from(pass, bytes("\"", new byte[] {(byte) 0x95, 0x5C, (byte) 0x8E, (byte) 0xA6},
          "\" <sjis@docomo.ne.jp>"));
      assertThat(sjis.fromAddress()).isEqualTo("sjis@docomo.ne.jp");
      assertThat(CHECK.unverified(sjis.authenticationResults(), sjis.fromAddress(), sjis.fromUnambiguous())).isFalse();
      // 「ソ」 (83 5C) right before the closing quote: a verifier that reads 5C as an escape never closes the name.
      assertThat(from(pass, bytes("\"", new byte[] {(byte) 0x83, 0x5C}, "\" <sjis@docomo.ne.jp>")).fromUnambiguous())
          .isFalse();
    }

    @Test
    @DisplayName("does not trust a From where a byte of 0x80 or more before \\ ends a comment or name early for one reader")
    void plantedBackslash() throws Exception {
      String pass = "Authentication-Results: " + DESK_MX + "; dmarc=pass header.from=gmail.com\r\n";
      byte[] e = {(byte) 0xC3, (byte) 0xA9};
      ParsedMail comment = from(pass, bytes("attacker@gmail.com (", e, "\\) <victim@gmail.com>)"));
      assertThat(comment.fromUnambiguous()).isFalse();
      ParsedMail quoted = from(pass, bytes("\"", e, "\\\" <victim@gmail.com> \" < attacker@gmail.com > (\")"));
      assertThat(quoted.fromUnambiguous()).isFalse();
      assertThat(from(pass, "attacker@gmail.com <victim@gmail.com>".getBytes(StandardCharsets.US_ASCII))
          .fromUnambiguous()).as("an address as the name").isFalse();
      assertThat(from(pass, "<victim@gmail.com> attacker@gmail.com".getBytes(StandardCharsets.US_ASCII))
          .fromUnambiguous()).as("text after the address").isFalse();
    }

    @Test
    @DisplayName("trusts only the topmost header of the desk's server: a sender's own copies below it, or another server's, count for nothing")
    void forgedHeaders() {
      assertThat(unverified("mx.evil.example; dmarc=pass header.from=docomo.ne.jp")).isTrue();
      assertThat(unverified(DESK_MX + "; dmarc=fail header.from=docomo.ne.jp",
          DESK_MX + "; dmarc=pass header.from=docomo.ne.jp")).isTrue();
      assertThat(unverified("mx.evil.example; dmarc=pass header.from=docomo.ne.jp",
          DESK_MX + "; dmarc=pass header.from=docomo.ne.jp")).isFalse();
    }

    @Test
    @DisplayName("is never questioned when the desk has named no server (MAIL_AUTHSERV_ID unset)")
    void noServerNamed() {
      assertThat(new SenderAuthentication(null).unverified(List.of(), RESIDENT, false)).isFalse();
      assertThat(new SenderAuthentication(" ").unverified(List.of(DESK_MX + "; dmarc=fail"), RESIDENT, true)).isFalse();
    }

    private ParsedMail from(String headers, byte[] from) throws Exception {
      java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
      raw.write((headers + "From: ").getBytes(StandardCharsets.US_ASCII));
      raw.write(from);
      raw.write("\r\nMessage-ID: <m-1@example.jp>\r\n\r\nsoudan\r\n".getBytes(StandardCharsets.US_ASCII));
      return new MailParser(1024 * 1024).parse(raw.toByteArray());
    }

    private static byte[] bytes(String before, byte[] middle, String after) {
      byte[] a = before.getBytes(StandardCharsets.US_ASCII);
      byte[] c = after.getBytes(StandardCharsets.US_ASCII);
      byte[] out = new byte[a.length + middle.length + c.length];
      System.arraycopy(a, 0, out, 0, a.length);
      System.arraycopy(middle, 0, out, a.length, middle.length);
      System.arraycopy(c, 0, out, a.length + middle.length, c.length);
      return out;
    }
  }

  @Nested
  @ExtendWith(VertxExtension.class)
  @DisplayName("against GreenMail, with MAIL_AUTHSERV_ID set")
  class Channel {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private MailServer server;

    @BeforeEach
    void start(Vertx vertx) {
      server = new MailServer(vertx, MailServer.POLL_INTERVAL, DESK_MX);
    }

    @AfterEach
    void stop() {
      server.close();
    }

    private byte[] mail(String authenticationResults, String messageId, String body) {
      return ((authenticationResults == null ? "" : "Authentication-Results: " + authenticationResults + "\r\n") + """
          Date: Thu, 26 Nov 2026 11:00:00 +0900\r
          From: <%s>\r
          To: desk@kurashi.example\r
          Subject: Re: consent\r
          Message-ID: <%s>\r
          MIME-Version: 1.0\r
          Content-Type: text/plain; charset=UTF-8\r
          Content-Transfer-Encoding: 8bit\r
          \r
          %s\r
          """.formatted(RESIDENT, messageId, body)).getBytes(StandardCharsets.UTF_8);
    }

    private boolean consented() {
      return server.count("SELECT count(*) FROM contact WHERE external_id = $1 AND consent_at IS NOT NULL", RESIDENT) == 1;
    }

    private boolean unverified(String messageId) {
      return server.query("SELECT sender_unverified FROM message WHERE external_id = $1", "<" + messageId + ">")
          .iterator().next().getBoolean(0);
    }

    @Test
    @DisplayName("a mail in the resident's name without the desk's DMARC pass is kept, marked for staff, and its 「同意します」 is not consent")
    void forged() throws Exception {
      server.deliver(mail("mx.evil.example; dmarc=pass header.from=docomo.ne.jp", "forged-1@evil.example", "同意します"));

      Await.until(WAIT, "stored", () -> server.count("SELECT count(*) FROM message WHERE direction = 'in'") == 1);
      Await.until(WAIT, "acknowledged", () -> server.sentTo(RESIDENT).size() == 1);
      assertThat(unverified("forged-1@evil.example")).isTrue();
      assertThat(consented()).isFalse();
      assertThat((String) server.sentTo(RESIDENT).get(0).getContent()).as("the acknowledgement asks for no reply")
          .contains(server.profile.consentByMailUnverified().in("ja")).doesNotContain("とだけ書いて返信");
      long caseId = server.count("SELECT case_id FROM message WHERE direction = 'in'");
      CaseStore cases = new CaseStore(server.db.pool(), server.clock);
      List<CaseMessage> thread = Await.result(cases.detail(Await.result(cases.find(caseId)).orElseThrow())).messages();
      assertThat(thread).filteredOn(m -> "in".equals(m.direction())).singleElement()
          .satisfies(m -> assertThat(m.senderUnverified()).isTrue());
    }

    @Test
    @DisplayName("the same words with the desk's DMARC pass are the resident's consent, and the mail is not marked")
    void confirmed() {
      server.deliver(mail(DESK_MX + "; dmarc=pass (p=none) header.from=docomo.ne.jp", "agree-1@docomo.ne.jp",
          "同意します"));

      Await.until(WAIT, "consent recorded", this::consented);
      assertThat(unverified("agree-1@docomo.ne.jp")).isFalse();
    }
  }
}
