package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.Role;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Staff accounts")
class AccountsTest {

  private RunningGateway running;

  @BeforeEach
  void start(Vertx vertx) {
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestDatabases.migrated()));
    running.staff("sato", Role.CONSULTANT);
  }

  @AfterEach
  void stop() {
    running.close();
  }

  @Test
  @DisplayName("five wrong passwords lock the account, even for the right password, answered as a wrong login")
  void lockout() {
    RunningGateway.StaffClient client = running.client();
    for (int i = 0; i < 5; i++) {
      assertThat(client.login("sato", "wrong-password").statusCode()).isEqualTo(401);
    }
    var locked = client.login("sato", "sato-password-1");
    assertThat(locked.statusCode()).isEqualTo(401);
    assertThat(locked.bodyAsJsonObject().getString("error")).isEqualTo("invalid_credentials");
    assertThat(running.client().login("admin", RunningGateway.ADMIN_PASSWORD).statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("four wrong passwords then the right one log in and reset the count")
  void underTheLimit() {
    RunningGateway.StaffClient client = running.client();
    for (int i = 0; i < 4; i++) {
      client.login("sato", "wrong-password");
    }
    assertThat(client.login("sato", "sato-password-1").statusCode()).isEqualTo(200);
    for (int i = 0; i < 4; i++) {
      client.login("sato", "wrong-password");
    }
    assertThat(running.client().login("sato", "sato-password-1").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("changing the password needs the current one and ends the account's other sessions")
  void passwordChange() {
    RunningGateway.StaffClient phone = running.client();
    phone.login("sato", "sato-password-1");
    RunningGateway.StaffClient desk = running.client();
    desk.login("sato", "sato-password-1");

    assertThat(desk.post("/api/password", new JsonObject().put("current", "nope-nope-nope").put("new", "a-new-long-password"), true)
        .statusCode()).isEqualTo(403);
    assertThat(desk.post("/api/password", new JsonObject().put("current", "sato-password-1").put("new", "short"), true)
        .statusCode()).isEqualTo(400);
    assertThat(desk.post("/api/password", new JsonObject().put("current", "sato-password-1").put("new", "a-new-long-password"), true)
        .statusCode()).isEqualTo(204);

    assertThat(desk.get("/api/session").statusCode()).isEqualTo(200);
    assertThat(phone.get("/api/session").statusCode()).isEqualTo(401);
    assertThat(running.client().login("sato", "sato-password-1").statusCode()).isEqualTo(401);
    assertThat(running.client().login("sato", "a-new-long-password").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("an appointment must be within office hours, a referral needs an agency")
  void handoffValidation() {
    var in = jp.kurashi.testkit.Await.result(running.gateway.pipeline().receive(new jp.kurashi.core.domain.InboundMessage(
        "webchat", "h-1", "chat-h", null, "相談です", running.clock.instant())));
    RunningGateway.StaffClient chief = running.chief();
    String path = "/api/cases/" + in.caseId() + "/handoffs";
    assertThat(chief.post(path, new JsonObject().put("kind", "appointment").put("at", "2026-11-28T03:00:00Z")
        .put("message", "土曜日に"), true).bodyAsJsonObject().getString("error")).isEqualTo("outside_hours");
    assertThat(chief.post(path, new JsonObject().put("kind", "referral").put("message", "ご紹介します"), true)
        .bodyAsJsonObject().getString("error")).isEqualTo("agency_required");
    assertThat(chief.post(path, new JsonObject().put("kind", "appointment").put("at", "2026-11-30T01:00:00Z")
        .put("message", "月曜10時に窓口でお待ちしています"), true).statusCode()).isEqualTo(201);
  }

  @Test
  @DisplayName("an account with the second factor needs the current code from the authenticator app")
  void totp() throws Exception {
    RunningGateway.StaffClient sato = running.client();
    sato.login("sato", "sato-password-1");
    JsonObject setup = sato.post("/api/totp/setup", new JsonObject(), true).bodyAsJsonObject();
    assertThat(setup.getString("uri")).startsWith("otpauth://totp/");
    String secret = setup.getString("secret");
    assertThat(sato.post("/api/totp/enable", new JsonObject().put("code", "000000"), true).statusCode()).isEqualTo(400);
    assertThat(sato.post("/api/totp/enable", new JsonObject().put("code", code(secret)), true).statusCode()).isEqualTo(204);

    var withoutCode = running.client().login("sato", "sato-password-1");
    assertThat(withoutCode.statusCode()).isEqualTo(401);
    assertThat(withoutCode.bodyAsJsonObject().getString("error")).isEqualTo("totp_required");
    RunningGateway.StaffClient next = running.client();
    var withCode = jp.kurashi.testkit.Await.result(io.vertx.ext.web.client.WebClient.create(running.vertx)
        .post(running.gateway.httpPort(), "127.0.0.1", "/api/login")
        // The code that enabled the factor is used up; the app's next code (accepted for clock drift) logs in.
        .sendJsonObject(new JsonObject().put("login", "sato").put("password", "sato-password-1")
            .put("code", code(secret, running.clock.instant().getEpochSecond() / 30 + 1))));
    assertThat(withCode.statusCode()).isEqualTo(200);
  }

  /** RFC 6238 as an authenticator app computes it: HMAC-SHA1 over the 30-second step, 6 digits. */
  private String code(String base32Secret) throws Exception {
    return code(base32Secret, running.clock.instant().getEpochSecond() / 30);
  }

  static String code(String base32Secret, long step) throws Exception {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    java.io.ByteArrayOutputStream key = new java.io.ByteArrayOutputStream();
    int buffer = 0;
    int bits = 0;
    for (char c : base32Secret.replace("=", "").toUpperCase().toCharArray()) {
      buffer = (buffer << 5) | alphabet.indexOf(c);
      bits += 5;
      if (bits >= 8) {
        key.write((buffer >> (bits - 8)) & 0xFF);
        bits -= 8;
      }
    }
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
    mac.init(new javax.crypto.spec.SecretKeySpec(key.toByteArray(), "HmacSHA1"));
    byte[] h = mac.doFinal(java.nio.ByteBuffer.allocate(8).putLong(step).array());
    int offset = h[h.length - 1] & 0x0F;
    int binary = ((h[offset] & 0x7F) << 24) | ((h[offset + 1] & 0xFF) << 16) | ((h[offset + 2] & 0xFF) << 8) | (h[offset + 3] & 0xFF);
    return String.format("%06d", binary % 1_000_000);
  }
}
