package jp.kurashi.core.office;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("How to agree to the privacy notice, in the office profile")
class ConsentTextsTest {

  private static JsonObject shipped() {
    try (var in = ConsentTextsTest.class.getResourceAsStream("/office-profile.json")) {
      return new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("ships both texts in Japanese and English; a desk's own wording is used as written")
  void shippedAndOwn() {
    OfficeProfile profile = OfficeProfileJson.defaults();
    assertThat(profile.consentRequest().in("ja")).contains("同意して相談する");
    assertThat(profile.consentRequest().in("en")).contains("Agree");
    assertThat(profile.consentByMail().in("ja")).contains("「同意します」", "/chat");
    assertThat(profile.consentByMail().in("en")).contains("I agree");

    JsonObject own = shipped().put("consentByMail", new JsonObject().put("ja", "「同意します」と返信するか https://www.city.example.jp/chat へ"));
    assertThat(OfficeProfileJson.parse(own).consentByMail().in("ja")).contains("https://www.city.example.jp/chat");
  }

  @Test
  @DisplayName("gives a profile written before these texts existed the shipped ones")
  void olderProfile() {
    JsonObject older = shipped();
    older.remove("consentRequest");
    older.remove("consentByMail");
    OfficeProfile profile = OfficeProfileJson.parse(older);
    assertThat(profile.consentRequest()).isEqualTo(OfficeProfileJson.defaults().consentRequest());
    assertThat(profile.consentByMail()).isEqualTo(OfficeProfileJson.defaults().consentByMail());
  }
}
