package jp.kurashi.connectors.webchat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Resume codes as residents type them")
class ResumeCodesTest {

  @Test
  @DisplayName("a new code is 16 characters of Crockford's base32 in groups of four, and reads back as itself")
  void newCodes() {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String code = ResumeCodes.newCode();
      assertThat(code).matches("[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}");
      assertThat(ResumeCodes.normalise(code)).isEqualTo(code.replace("-", ""));
      seen.add(code);
    }
    assertThat(seen).hasSize(1000);
  }

  @Test
  @DisplayName("full width, lower case, O for 0, I and L for 1, and the separators phones and notes put in")
  void typed() {
    String code = "7K3MQ9XA2HWDPZ10";
    assertThat(ResumeCodes.normalise("7k3m-q9xa-2hwd-pz10")).isEqualTo(code);
    assertThat(ResumeCodes.normalise("７ｋ３ｍ　ｑ９ｘａ　２ｈｗｄ　ｐｚ１Ｏ")).isEqualTo(code);
    assertThat(ResumeCodes.normalise("7K3M―Q9XA—2HWD−PZIO")).isEqualTo(code);
    assertThat(ResumeCodes.normalise("7K3Mー Q9XA・2HWD‐PZLO")).isEqualTo(code);
    assertThat(ResumeCodes.normalise("\t7K3M Q9XA\n2HWD\u200BPZ10\r\n")).isEqualTo(code);
  }

  @Test
  @DisplayName("anything else is no code: a letter outside the alphabet, too short, too long, empty, or huge")
  void refused() {
    assertThat(ResumeCodes.normalise("7K3M-Q9XA-2HWD-PZ1U")).as("U is not in the alphabet").isNull();
    assertThat(ResumeCodes.normalise("7K3M-Q9XA-2HWD-PZ1")).isNull();
    assertThat(ResumeCodes.normalise("7K3M-Q9XA-2HWD-PZ100")).isNull();
    assertThat(ResumeCodes.normalise("")).isNull();
    assertThat(ResumeCodes.normalise(null)).isNull();
    assertThat(ResumeCodes.normalise("相談したいです")).isNull();
    assertThat(ResumeCodes.normalise("7".repeat(101))).isNull();
  }
}
