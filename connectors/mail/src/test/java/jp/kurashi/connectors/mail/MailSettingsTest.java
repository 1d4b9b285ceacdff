package jp.kurashi.connectors.mail;

import jp.kurashi.core.config.ConfigSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The channel's own settings, read by its plug-in with the same names and errors as before. */
class MailSettingsTest {

  private static Loaded load(Map<String, String> env) {
    return new Loaded(MailChannel.settings(ConfigSource.of(env)));
  }

  /** What the old GatewayConfig accessor returned. */
  private record Loaded(Optional<MailSettings> mail) {
  }

  @Test
  @DisplayName("turn email on with its IMAP host, and name what else it needs")
  void mail() {
    assertThat(load(Map.of()).mail()).isEmpty();
    Map<String, String> mail = Map.of("MAIL_IMAP_HOST", "imap.example.jp", "MAIL_SMTP_HOST", "smtp.example.jp",
        "MAIL_USER", "desk", "MAIL_PASSWORD", "pw", "MAIL_ADDRESS", "desk@example.jp");
    var settings = load(mail).mail().orElseThrow();
    assertThat(settings.imapPort()).isEqualTo(993);
    assertThat(settings.tls()).isTrue();
    assertThatThrownBy(() -> load(Map.of("MAIL_IMAP_HOST", "imap.example.jp")))
        .hasMessageEndingWith("must be set when MAIL_IMAP_HOST is");
    var bad = new java.util.HashMap<>(mail);
    bad.put("MAIL_ADDRESS", "not-an-address");
    assertThatThrownBy(() -> load(bad)).hasMessageStartingWith("MAIL_ADDRESS must be an email address");
    bad.put("MAIL_ADDRESS", "desk@example.jp");
    bad.put("MAIL_CHARSET", "EBCDIC");
    assertThatThrownBy(() -> load(bad)).hasMessageStartingWith("MAIL_CHARSET must be one of");
  }

  @Test
  @DisplayName("MAIL_SERVER_KEEP_DAYS is unset (the server keeps mail) or 1 to 3650; the processed folder is another folder")
  void serverKeep() {
    var mail = new java.util.HashMap<>(Map.of("MAIL_IMAP_HOST", "imap.example.jp", "MAIL_SMTP_HOST", "smtp.example.jp",
        "MAIL_USER", "desk", "MAIL_PASSWORD", "pw", "MAIL_ADDRESS", "desk@example.jp"));
    assertThat(load(mail).mail().orElseThrow().serverKeep()).isNull();
    mail.put("MAIL_SERVER_KEEP_DAYS", "90");
    assertThat(load(mail).mail().orElseThrow().serverKeep()).isEqualTo(java.time.Duration.ofDays(90));
    mail.put("MAIL_SERVER_KEEP_DAYS", "0");
    assertThatThrownBy(() -> load(mail)).hasMessageStartingWith("MAIL_SERVER_KEEP_DAYS must be a whole number from 1");
    mail.remove("MAIL_SERVER_KEEP_DAYS");
    mail.put("MAIL_PROCESSED_FOLDER", "inbox");
    assertThatThrownBy(() -> load(mail)).hasMessageStartingWith("MAIL_PROCESSED_FOLDER must be another folder");
  }
}
