package jp.kurashi.connectors.mail;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The case token in a mail subject")
class MailCaseTokenTest {

  @Test
  @DisplayName("reads the new form with its random part and the old form without one")
  void reads() {
    assertThat(CaseToken.find("Re: 家賃 [KS-123-7F3A9C01]")).contains(new CaseToken(123, "7f3a9c01"));
    assertThat(CaseToken.find("Re: [KS-123] 家賃")).contains(new CaseToken(123, null));
    assertThat(CaseToken.find("Re: KS-123")).isEmpty();
  }

  @Test
  @DisplayName("writes a fresh random part each time, and the subject of a reply carries exactly one token")
  void writes() {
    assertThat(CaseToken.newSecret()).matches("[0-9a-f]{8}").isNotEqualTo(CaseToken.newSecret());
    CaseToken token = new CaseToken(7, "0a1b2c3d");
    assertThat(MailConnector.subject("Re: Re: 家賃 [KS-7] [KS-7-deadbeef]", token)).isEqualTo("Re: 家賃 [KS-7-0a1b2c3d]");
  }
}
