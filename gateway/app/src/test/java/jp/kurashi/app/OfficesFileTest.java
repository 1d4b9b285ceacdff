package jp.kurashi.app;

import jp.kurashi.core.channel.ChannelSetup;
import jp.kurashi.core.config.ConfigException;
import jp.kurashi.core.config.ConfigSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("OFFICES_FILE: the offices one deployment serves")
class OfficesFileTest {

  @TempDir
  Path dir;

  static final String TWO = """
      {"offices": [
        {"code": "suita", "profile": {"name": {"ja": "吹田市くらしの相談窓口", "en": "Suita"}},
         "channels": {"line": {"LINE_CHANNEL_SECRET": {"env": "SUITA_LINE_SECRET"}, "LINE_CHANNEL_ACCESS_TOKEN": "t-suita"},
                      "webchat": {}}},
        {"code": "yodogawa", "profile": {"name": {"ja": "淀川区くらしの相談窓口"}},
         "channels": {"line": {"LINE_CHANNEL_SECRET": "s-yodogawa", "LINE_CHANNEL_ACCESS_TOKEN": "t-yodogawa"}}}
      ]}
      """;

  private GatewayConfig load(String json, Map<String, String> more) throws Exception {
    Path file = dir.resolve("offices.json");
    Files.writeString(file, json, StandardCharsets.UTF_8);
    Map<String, String> env = new HashMap<>(more);
    env.put("OFFICES_FILE", file.toString());
    return GatewayConfig.load(ConfigSource.of(env));
  }

  private GatewayConfig load(String json) throws Exception {
    return load(json, Map.of("SUITA_LINE_SECRET", "s-suita"));
  }

  @Test
  @DisplayName("lists each office with its profile and the channels it lists, secrets from the file or the environment")
  void twoOffices() throws Exception {
    GatewayConfig config = load(TWO);

    assertThat(config.officePaths()).isTrue();
    assertThat(config.offices()).extracting(OfficeConfig::code).containsExactly("suita", "yodogawa");
    assertThat(config.offices().get(0).profile().name().in("ja")).isEqualTo("吹田市くらしの相談窓口");
    assertThat(config.offices().get(1).profile().name().in("ja")).isEqualTo("淀川区くらしの相談窓口");
    // The rest of the profile is the shipped one.
    assertThat(config.offices().get(1).profile().hotlines()).isNotEmpty();
    assertThat(config.offices().get(0).channels()).extracting(ChannelSetup::name).containsExactly("webchat", "line");
    assertThat(config.offices().get(1).channels()).extracting(ChannelSetup::name).containsExactly("line");
    assertThat(config.offices().get(0).channels().get(1).account()).contains("s-suita");
    assertThat(config.officeCode()).isEqualTo("suita");
  }

  @Test
  @DisplayName("without it, one office called default with the settings of old")
  void withoutFile() {
    GatewayConfig config = GatewayConfig.load(ConfigSource.of(Map.of("LINE_CHANNEL_SECRET", "s", "LINE_CHANNEL_ACCESS_TOKEN", "t")));
    assertThat(config.officePaths()).isFalse();
    assertThat(config.offices()).singleElement().satisfies(o -> {
      assertThat(o.code()).isEqualTo("default");
      assertThat(o.channels()).extracting(ChannelSetup::name).contains("webchat", "line");
    });
  }

  @Test
  @DisplayName("refuses a file it cannot read or parse, with one line naming it")
  void unreadable() {
    assertThatThrownBy(() -> GatewayConfig.load(ConfigSource.of(Map.of("OFFICES_FILE", dir.resolve("none.json").toString()))))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("OFFICES_FILE cannot be read");
    assertThatThrownBy(() -> load("{ not json")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("OFFICES_FILE is not valid JSON");
    assertThatThrownBy(() -> load("{\"offices\": []}")).hasMessageStartingWith("OFFICES_FILE must list at least one office");
  }

  @Test
  @DisplayName("refuses a duplicate code, a code with other characters, and OFFICE_CODE beside the file")
  void codes() {
    assertThatThrownBy(() -> load("{\"offices\": [{\"code\": \"suita\"}, {\"code\": \"suita\"}]}"))
        .isInstanceOf(ConfigException.class).hasMessage("OFFICES_FILE: office code \"suita\" is listed twice");
    assertThatThrownBy(() -> load("{\"offices\": [{\"code\": \"Suita/1\"}]}"))
        .hasMessageStartingWith("OFFICES_FILE: offices[0].code must be lower-case letters");
    assertThatThrownBy(() -> load("{\"offices\": [{\"name\": \"吹田\"}]}"))
        .hasMessageStartingWith("OFFICES_FILE: offices[0].code must be");
    assertThatThrownBy(() -> load("{\"offices\": [{\"code\": \"suita\"}]}", Map.of("OFFICE_CODE", "kita")))
        .hasMessageStartingWith("set either OFFICES_FILE or OFFICE_CODE");
  }

  @Test
  @DisplayName("refuses a missing secret, a secret named but not set, and an unknown channel, never showing a secret")
  void secrets() {
    assertThatThrownBy(() -> load("{\"offices\": [{\"code\": \"suita\", \"channels\": {\"line\": "
        + "{\"LINE_CHANNEL_SECRET\": \"s-very-secret\"}}}]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("OFFICES_FILE: office suita: channels.line: LINE_CHANNEL_ACCESS_TOKEN must be set when "
            + "LINE_CHANNEL_SECRET is");
    assertThatThrownBy(() -> load("{\"offices\": [{\"code\": \"suita\", \"channels\": {\"line\": "
        + "{\"LINE_CHANNEL_ACCESS_TOKEN\": \"t\"}}}]}"))
        .hasMessageStartingWith("OFFICES_FILE: office suita: channels.line does not switch line on");
    assertThatThrownBy(() -> load(TWO, Map.of()))
        .hasMessage("OFFICES_FILE: office suita: channels.line.LINE_CHANNEL_SECRET names setting SUITA_LINE_SECRET, "
            + "which is not set");
    assertThatThrownBy(() -> load("{\"offices\": [{\"code\": \"suita\", \"channels\": {\"fax\": {}}}]}"))
        .hasMessageStartingWith("OFFICES_FILE: office suita: channels.fax is not an installed channel");
  }

  @Test
  @DisplayName("refuses two offices on one LINE channel or one mailbox, without showing the secret")
  void sharedAccounts() {
    String line = "{\"LINE_CHANNEL_SECRET\": \"same-secret\", \"LINE_CHANNEL_ACCESS_TOKEN\": \"t\"}";
    assertThatThrownBy(() -> load("{\"offices\": [{\"code\": \"suita\", \"channels\": {\"line\": " + line + "}},"
        + "{\"code\": \"nishi\", \"channels\": {\"line\": " + line + "}}]}"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("OFFICES_FILE: offices suita and nishi use the same line account; each office needs its own")
        .message().doesNotContain("same-secret");
    String mail = "{\"MAIL_IMAP_HOST\": \"imap.example.jp\", \"MAIL_SMTP_HOST\": \"smtp.example.jp\", "
        + "\"MAIL_USER\": \"desk\", \"MAIL_PASSWORD\": \"p\", \"MAIL_ADDRESS\": \"desk@example.jp\"}";
    assertThatThrownBy(() -> load("{\"offices\": [{\"code\": \"suita\", \"channels\": {\"mail\": " + mail + "}},"
        + "{\"code\": \"nishi\", \"channels\": {\"mail\": " + mail + "}}]}"))
        .hasMessage("OFFICES_FILE: offices suita and nishi use the same mail account; each office needs its own");
  }
}
