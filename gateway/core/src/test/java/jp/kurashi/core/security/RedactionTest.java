package jp.kurashi.core.security;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Redaction of a channel's words for the log")
class RedactionTest {

  @Test
  @DisplayName("masks addresses as SMTP servers and Jakarta Mail quote them, and keeps the rest")
  void masksAddresses() {
    assertThat(Redaction.addresses("SMTP 550: 550 5.1.1 <taro.yamada+1@example.jp>: Recipient address rejected"))
        .isEqualTo("SMTP 550: 550 5.1.1 <[address]>: Recipient address rejected");
    assertThat(Redaction.addresses("Illegal address in string ``山田@例え.jp''"))
        .isEqualTo("Illegal address in string ``[address]''");
    assertThat(Redaction.addresses("LINE 400: The property, 'to', in the request body is invalid"))
        .isEqualTo("LINE 400: The property, 'to', in the request body is invalid");
    assertThat(Redaction.addresses(null)).isNull();
  }
}
