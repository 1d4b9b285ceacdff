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
}
