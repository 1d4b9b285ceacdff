package jp.kurashi.connectors.line;

import jp.kurashi.core.config.ConfigSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The channel's own settings, read by its plug-in with the same names and errors as before. */
class LineSettingsTest {

  private static Loaded load(Map<String, String> env) {
    return new Loaded(LineChannel.settings(ConfigSource.of(env)));
  }

  /** What the old GatewayConfig accessor returned. */
  private record Loaded(Optional<LineSettings> line) {
  }

  @Test
  @DisplayName("turn LINE on with its secret, and refuse a secret without an access token")
  void line() {
    assertThat(load(Map.of()).line()).isEmpty();
    assertThat(load(Map.of("LINE_CHANNEL_SECRET", "s", "LINE_CHANNEL_ACCESS_TOKEN", "t")).line().orElseThrow()
        .apiBaseUrl().toString()).isEqualTo("https://api.line.me/");
    assertThatThrownBy(() -> load(Map.of("LINE_CHANNEL_SECRET", "s")))
        .hasMessage("LINE_CHANNEL_ACCESS_TOKEN must be set when LINE_CHANNEL_SECRET is");
    assertThatThrownBy(() -> load(Map.of("LINE_CHANNEL_SECRET", "s", "LINE_CHANNEL_ACCESS_TOKEN", "t",
        "LINE_API_BASE_URL", "ftp://x"))).hasMessageStartingWith("LINE_API_BASE_URL must be an http");
  }

}
