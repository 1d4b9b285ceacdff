package jp.kurashi.core.security;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("WEBCHAT_FRAME_ANCESTORS origins")
class FramingTest {

  @Test
  @DisplayName("are read as browsers write an origin: lower case, without the default port, so the widget finds its site")
  void serializedAsBrowsersDo() {
    assertThat(Framing.origins(" https://WWW.City.example.jp:443  http://localhost:8080 http://ward.example.jp:80 "))
        .containsExactly("https://www.city.example.jp", "http://localhost:8080", "http://ward.example.jp");
    assertThat(Framing.origins("")).isEmpty();
    assertThat(Framing.origins(null)).isEqualTo(List.of());
  }

  @Test
  @DisplayName("refuse a path, another scheme or a port out of range, naming the value")
  void refused() {
    assertThatThrownBy(() -> Framing.origins("https://ok.example.jp/path")).hasMessageContaining("https://ok.example.jp/path");
    assertThatThrownBy(() -> Framing.origins("ftp://ok.example.jp")).hasMessageContaining("ftp://ok.example.jp");
    assertThatThrownBy(() -> Framing.origins("https://ok.example.jp:70000")).hasMessageContaining(":70000");
  }
}
