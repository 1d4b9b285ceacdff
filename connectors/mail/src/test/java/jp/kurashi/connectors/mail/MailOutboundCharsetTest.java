package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jakarta.mail.internet.MimeMessage;
import jp.kurashi.core.domain.OutboundMessage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Replies written in ISO-2022-JP (MAIL_CHARSET) for old phones")
class MailOutboundCharsetTest {

  private static final MailParser PARSER = new MailParser(1024 * 1024);

  private static MailConnector connector(Vertx vertx) {
    MailSettings settings = new MailSettings("127.0.0.1", 1, "127.0.0.1", 1, "", "", "desk@kurashi.example", false,
        Duration.ofSeconds(60), "INBOX", null, "ISO-2022-JP", 1024 * 1024, Duration.ofSeconds(5), null, null);
    return new MailConnector(vertx, settings, null, "くらしのサポートコーナー");
  }

  private static byte[] written(Vertx vertx, String subject, String text) throws Exception {
    MimeMessage mail = connector(vertx).compose(new OutboundMessage(1, 7, "mail", "taro@example.jp", text,
        UUID.randomUUID(), 1, false), new MailStore.Thread(subject, "<in-1@example.jp>", List.of("<in-1@example.jp>"), "0a1b2c3d"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    mail.writeTo(out);
    return out.toByteArray();
  }

  private static String head(byte[] raw) {
    String all = new String(raw, StandardCharsets.ISO_8859_1);
    return all.substring(0, all.indexOf("\r\n\r\n"));
  }

  @Test
  @DisplayName("the shipped texts' 〜, − and — arrive as ～, － and ―, not as ?")
  void waveDash(Vertx vertx) throws Exception {
    byte[] raw = written(vertx, "家賃の相談", "受付時間 9時〜17時。いのちの電話(10時〜22時)。−— 以上");

    assertThat(head(raw)).contains("charset=ISO-2022-JP").contains("Content-Transfer-Encoding: 7bit");
    assertThat(PARSER.parse(raw).text()).isEqualTo("受付時間 9時～17時。いのちの電話(10時～22時)。－― 以上");
  }

  @Test
  @DisplayName("a text ISO-2022-JP cannot carry goes in UTF-8, whole; a subject it cannot carry goes in UTF-8 on its own")
  void fallsBackToUtf8(Vertx vertx) throws Exception {
    String vietnamese = "Xin chào, chúng tôi đã nhận được tin nhắn của bạn.";
    byte[] raw = written(vertx, "家賃の相談", vietnamese);
    assertThat(head(raw)).containsIgnoringCase("charset=UTF-8");
    assertThat(PARSER.parse(raw).text()).isEqualTo(vietnamese);

    byte[] circled = written(vertx, "①家賃の相談(髙﨑)", "承知しました。");
    assertThat(head(circled)).contains("charset=ISO-2022-JP").contains("Subject: =?UTF-8?");
    assertThat(PARSER.parse(circled).subject()).startsWith("Re: ①家賃の相談(髙﨑)");
  }

  @Test
  @DisplayName("a paragraph too long for one 7bit line goes base64, so no relay cuts it mid escape sequence")
  void longLine(Vertx vertx) throws Exception {
    String paragraph = "家賃の支払いについて".repeat(60);
    byte[] raw = written(vertx, "相談", paragraph);

    assertThat(head(raw)).contains("charset=ISO-2022-JP").contains("Content-Transfer-Encoding: base64");
    assertThat(PARSER.parse(raw).text()).isEqualTo(paragraph);
  }

  @Test
  @DisplayName("an address with characters SMTP cannot carry is refused before anything is sent, never sent to another mailbox")
  void nonAsciiAddress(Vertx vertx) {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> connector(vertx).compose(new OutboundMessage(1, 7, "mail",
            "山田@example.jp", "お返事です", UUID.randomUUID(), 1, false),
        new MailStore.Thread("相談", null, List.of(), "0a1b2c3d")))
        .isInstanceOf(jakarta.mail.internet.AddressException.class);
  }
}
