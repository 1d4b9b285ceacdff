package jp.kurashi.core.office;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The desk's own contact and complaints text in the office profile")
class DeskContactTest {

  private static JsonObject shipped() {
    try (var in = DeskContactTest.class.getResourceAsStream("/office-profile.json")) {
      return new JsonObject(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  @DisplayName("reads phone, address and map, and writes them with the complaints text in Japanese and English")
  void filledIn() {
    JsonObject json = shipped();
    json.getJsonObject("desk").put("phone", "06-1234-5678")
        .put("address", new JsonObject().put("ja", "大阪市西区新町4-5-14 区役所2階").put("en", "Ward office, 2F"))
        .put("mapUrl", "https://www.city.example.jp/map");
    OfficeProfile profile = OfficeProfileJson.parse(json);

    assertThat(profile.desk().dialable()).contains("0612345678");
    assertThat(profile.deskText("ja")).startsWith("くらしのサポートコーナー\n電話: 06-1234-5678\n所在地: 大阪市西区新町4-5-14 区役所2階\n"
        + "地図: https://www.city.example.jp/map\n\nご意見・苦情: ").contains("苦情解決責任者");
    assertThat(profile.deskText("en")).contains("Phone: 06-1234-5678", "Address: Ward office, 2F", "Comments and complaints: ");
  }

  @Test
  @DisplayName("leaves out what the desk has not filled in, and gives an older profile without a desk part the shipped complaints text")
  void optional() {
    OfficeProfile shippedProfile = OfficeProfileJson.defaults();
    assertThat(shippedProfile.deskText("ja")).doesNotContain("電話:", "所在地:", "地図:").contains("ご意見・苦情: ");

    JsonObject older = shipped();
    older.remove("desk");
    assertThat(OfficeProfileJson.parse(older).desk().complaints()).isEqualTo(shippedProfile.desk().complaints());
  }

  @Test
  @DisplayName("refuses a phone that is not a number and a map link that is not https, naming the field")
  void refusesGarbage() {
    JsonObject phone = shipped();
    phone.getJsonObject("desk").put("phone", "call us");
    assertThatThrownBy(() -> OfficeProfileJson.parse(phone)).hasMessageContaining("desk.phone");

    for (String url : new String[] {"javascript:alert(1)", "http://www.city.example.jp/map", "not a url at all"}) {
      JsonObject map = shipped();
      map.getJsonObject("desk").put("mapUrl", url);
      assertThatThrownBy(() -> OfficeProfileJson.parse(map)).as(url).hasMessageContaining("desk.mapUrl");
    }
  }
}
