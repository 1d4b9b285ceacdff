package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import jakarta.mail.internet.MimeMessage;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Consent by email")
class MailConsentTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String RESIDENT = "takasaki.hanako@docomo.ne.jp";

  /** A plain UTF-8 mail from {@code from} with this body. */
  private static byte[] mail(String from, String messageId, String body) {
    return ("""
        Date: Thu, 26 Nov 2026 11:00:00 +0900
        From: %s
        To: desk@kurashi.example
        Subject: Re: =?UTF-8?B?5Y+X44GR5LuY44GR?=
        Message-ID: <%s>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=UTF-8
        Content-Transfer-Encoding: 8bit

        %s
        """.formatted(from, messageId, body)).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  @Nested
  @ExtendWith(VertxExtension.class)
  @DisplayName("against GreenMail")
  class Channel {

    private MailServer server;

    @BeforeEach
    void start(Vertx vertx) {
      server = new MailServer(vertx);
    }

    @AfterEach
    void stop() {
      server.close();
    }

    private Row contact(String address) {
      return server.query("SELECT consent_at, consent_version, language FROM contact WHERE external_id = $1", address)
          .iterator().next();
    }

    @Test
    @DisplayName("the acknowledgement carries the privacy notice and how to agree (reply 「同意します」 or the web chat page)")
    void acknowledgementAsks() throws Exception {
      server.deliver(Fixtures.raw("carrier-iso2022jp.eml"));

      Await.until(WAIT, "acknowledgement sent", () -> server.sentTo(RESIDENT).size() == 1);
      MimeMessage ack = server.sentTo(RESIDENT).get(0);
      assertThat((String) ack.getContent()).contains("ご相談のメールを受け取りました")
          .contains(server.profile.privacyNotice().in("ja"))
          .contains("「同意します」とだけ書いて返信").contains("/chat");
      assertThat(contact(RESIDENT).getValue("consent_at")).isNull();
    }

    @Test
    @DisplayName("a reply saying 「同意します」 above the quoted acknowledgement and a signature records consent to the current notice")
    void replyAgrees() {
      server.deliver(mail("<" + RESIDENT + ">", "agree-1@docomo.ne.jp", """
          同意します。

          2026年11月26日(木) 10:02 くらしのサポートコーナー <desk@kurashi.example>:
          > ご相談のメールを受け取りました。
          > 上の説明に同意していただける場合は、このメールに「同意します」とだけ書いて返信してください。

          --
          髙﨑 花子"""));

      Await.until(WAIT, "consent recorded", () -> server.count(
          "SELECT count(*) FROM contact WHERE external_id = $1 AND consent_at IS NOT NULL", RESIDENT) == 1);
      assertThat(contact(RESIDENT).getString("consent_version")).isEqualTo(server.profile.privacyNoticeVersion());
      assertThat(contact(RESIDENT).getString("language")).isEqualTo("ja");
    }

    @Test
    @DisplayName("a consultation that merely contains 「同意します」 records nothing")
    void consultationIsNotConsent() {
      server.deliver(mail("<" + RESIDENT + ">", "long-1@docomo.ne.jp",
          "同意しますが、家賃のことで相談があります。\n来月から払えそうにありません。"));

      Await.until(WAIT, "stored", () -> server.count("SELECT count(*) FROM message WHERE direction = 'in'") == 1);
      Await.until(WAIT, "acknowledged", () -> server.sentTo(RESIDENT).size() == 1);
      assertThat(contact(RESIDENT).getValue("consent_at")).isNull();
    }
  }

  @Nested
  @DisplayName("what counts as agreeing")
  class Words {

    @Test
    @DisplayName("「同意します」 and \"I agree\", in any width, quoted or with a signature, are agreement; anything more is not")
    void agreement() {
      assertThat(MailConsentReply.agreement("同意します")).contains("ja");
      assertThat(MailConsentReply.agreement("  「同意します」。\n")).contains("ja");
      assertThat(MailConsentReply.agreement("同意します\n\n-- \n山田")).contains("ja");
      assertThat(MailConsentReply.agreement("I agree.\n\nOn Thu, 26 Nov 2026 desk wrote:\n> notice")).contains("en");
      assertThat(MailConsentReply.agreement("Ｉ ａｇｒｅｅ！")).contains("en");
      assertThat(MailConsentReply.agreement("> 同意します\n相談です")).isEmpty();
      assertThat(MailConsentReply.agreement("同意しません")).isEmpty();
      assertThat(MailConsentReply.agreement("")).isEmpty();
    }
  }
}
