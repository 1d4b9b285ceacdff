package jp.kurashi.connectors.mail;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Text written to make the patterns that read a mail backtrack: one such mail held the poller (which reads mails one
 * by one) or an event loop for minutes to hours. Each must be read, or refused, in linear time.
 */
@DisplayName("Hostile mail text")
class MailHostileTextTest {

  private static final MailParser PARSER = new MailParser(1024 * 1024);

  @BeforeAll
  static void loadClasses() throws MalformedMailException {
    // Class loading and the mail session outside the timed parts.
    PARSER.parse(mail("a@b.example", "text/plain", "hi"));
    MailConsentReply.agreement("同意します");
    HtmlText.toText("<p>x</p>");
  }

  private static byte[] mail(String from, String type, String body) {
    return ("From: " + from + "\r\nTo: desk@example.jp\r\nSubject: x\r\nMessage-ID: <a@b>\r\n"
        + "Content-Type: " + type + "; charset=UTF-8\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("a From of many @ without angle brackets is read at once (2,000 characters took 31 s)")
  void manyAtSigns() {
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> {
      for (String from : new String[] {"@".repeat(16_000) + "\"", "a@".repeat(8_000) + "\"",
          "x " + "@a".repeat(8_000) + "\"", "(".repeat(16_000) + "a@b"}) {
        assertThatThrownBy(() -> PARSER.parse(mail(from, "text/plain", "hi"))).isInstanceOf(MalformedMailException.class);
      }
    });
  }

  @Test
  @DisplayName("a From longer than 16 KB is refused as such, an ordinary one still read")
  void longFrom() throws MalformedMailException {
    assertThatThrownBy(() -> PARSER.parse(mail("x".repeat(16_385) + " <a@b.example>", "text/plain", "hi")))
        .isInstanceOf(MalformedMailException.class).hasMessageContaining("sender header too long");
    assertThat(PARSER.parse(mail("山田 <yamada@example.jp>", "text/plain", "hi")).fromAddress()).isEqualTo("yamada@example.jp");
    assertThat(PARSER.parse(mail("yamada@example.jp (山田)", "text/plain", "hi")).fromAddress()).isEqualTo("yamada@example.jp");
  }

  @Test
  @DisplayName("a first line of 1,600 '<@' is checked for agreement at once, and a plain agreement still counts")
  void longConsentLine() {
    assertTimeoutPreemptively(Duration.ofSeconds(1),
        () -> assertThat(MailConsentReply.agreement("<@".repeat(1_600) + "\n同意します")).isEmpty());
    assertThat(MailConsentReply.agreement("同意します\n\n2026年11月27日 10:00 くらしのサポート <desk@example.jp>:\n> 本文"))
        .contains("ja");
  }

  @Test
  @DisplayName("an HTML body of 100,000 tabs without a newline is read at once, trailing blanks still dropped")
  void tabs() throws MalformedMailException {
    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> HtmlText.toText("<p>a" + "\t".repeat(100_000) + "b</p>"));
    assertThat(PARSER.parse(mail("a@b.example", "text/html", "<p>家賃 \t </p><p>相談</p>")).text())
        .isEqualTo("家賃\n相談");
  }

  @Test
  @DisplayName("a bounce returning 100,000 lines of 'Message-ID: <x' without '>' is read at once, as a bounce")
  void bounceOfUnclosedMessageIds() throws MalformedMailException {
    String returned = "<x\r\n" + "Message-ID: <x\r\n".repeat(100_000) + "Message-ID: <out-1@kurashi.example>";
    ParsedMail mail = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> PARSER.parse(
        Fixtures.deliveryReport("MAILER-DAEMON@mx.example.org", "<b@mx>", "a@b.example", returned)));
    assertThat(mail.bounce()).isNotNull();
    assertThat(mail.bounce().originalMessageId()).as("only the first 64 KB are read for it").isNull();
    assertThat(PARSER.parse(Fixtures.deliveryReport("MAILER-DAEMON@mx.example.org", "<b@mx>", "a@b.example",
        "<out-1@kurashi.example>")).bounce().originalMessageId()).isEqualTo("<out-1@kurashi.example>");
  }
}
