package jp.kurashi.app;

import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.config.ConfigException;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 14, item 10: the headers of the console, the API and the chat page; /login's content type. */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Security headers")
class SecurityHeadersTest {

  private static final String WARD = "https://www.city.example.jp https://soudan.city.example.jp:8443";

  private Vertx vertx;
  private RunningGateway running;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestDatabases.migrated(),
        "WEBCHAT_FRAME_ANCESTORS", WARD));
  }

  @AfterAll
  void stop() {
    running.close();
    Await.result(vertx.close());
  }

  private HttpResponse<Buffer> get(String path) {
    return Await.result(WebClient.create(vertx).get(running.gateway.httpPort(), "127.0.0.1", path).send());
  }

  private static void hardened(HttpResponse<Buffer> r, String frameAncestors) {
    String csp = r.getHeader("Content-Security-Policy");
    assertThat(csp).contains("script-src 'self';").contains("object-src 'none'").contains("base-uri 'none'")
        .endsWith("frame-ancestors " + frameAncestors);
    assertThat(csp).as("no inline script").doesNotContainPattern("script-src[^;]*unsafe");
    assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.getHeader("Referrer-Policy")).isEqualTo("no-referrer");
    // Plain HTTP (no TLS, and X-Forwarded-Proto is not trusted): no HSTS.
    assertThat(r.getHeader("Strict-Transport-Security")).isNull();
  }

  @Test
  @DisplayName("the chat socket agrees to no compression, so a small frame cannot inflate to megabytes before any check")
  void noWebSocketCompression() {
    io.vertx.core.http.WebSocketClient client = vertx.createWebSocketClient(new io.vertx.core.http.WebSocketClientOptions()
        .setTryUsePerMessageCompression(true).setTryUsePerFrameCompression(true));
    io.vertx.core.http.WebSocket socket = Await.result(client.connect(running.gateway.httpPort(), "127.0.0.1",
        "/webchat/socket"));
    try {
      assertThat(socket.headers().get("Sec-WebSocket-Extensions")).as("extensions the server agreed to").isNull();
    } finally {
      Await.result(socket.close());
      Await.result(client.close());
    }
  }

  @Test
  @DisplayName("the console page may not be framed by anyone")
  void console() {
    HttpResponse<Buffer> page = get("/console/");
    assertThat(page.statusCode()).isEqualTo(200);
    hardened(page, "'none'");
    assertThat(page.getHeader("X-Frame-Options")).isEqualTo("DENY");
    // The page's own scripts are files: no inline <script> body, no on*= handler, which the policy would block.
    assertThat(page.bodyAsString()).doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>")
        .doesNotContainPattern("\\son[a-z]+\\s*=");
  }

  @Test
  @DisplayName("API answers, refusals included, carry the same headers")
  void api() {
    HttpResponse<Buffer> refused = get("/api/session");
    assertThat(refused.statusCode()).isEqualTo(401);
    hardened(refused, "'none'");
    RunningGateway.StaffClient admin = running.client();
    admin.login("admin", RunningGateway.ADMIN_PASSWORD);
    HttpResponse<Buffer> session = admin.get("/api/session");
    assertThat(session.statusCode()).isEqualTo(200);
    hardened(session, "'none'");
  }

  @Test
  @DisplayName("the chat page may be framed by the ward's own origins from WEBCHAT_FRAME_ANCESTORS only")
  void chat() {
    HttpResponse<Buffer> page = get("/chat");
    assertThat(page.statusCode()).isEqualTo(200);
    hardened(page, WARD);
    assertThat(page.getHeader("X-Frame-Options")).isNull();
  }

  @Test
  @DisplayName("/login refuses a body that is not application/json with 415")
  void loginContentType() {
    HttpResponse<Buffer> r = Await.result(WebClient.create(vertx).post(running.gateway.httpPort(), "127.0.0.1", "/api/login")
        .putHeader("Content-Type", "text/plain")
        .sendBuffer(Buffer.buffer("{\"login\":\"admin\",\"password\":\"" + RunningGateway.ADMIN_PASSWORD + "\"}")));
    assertThat(r.statusCode()).isEqualTo(415);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("unsupported_media_type");
    assertThat(r.cookies()).isEmpty();
  }

  @Test
  @DisplayName("/login is checked against openapi.yaml like every other call")
  void loginValidated() {
    HttpResponse<Buffer> r = Await.result(WebClient.create(vertx).post(running.gateway.httpPort(), "127.0.0.1", "/api/login")
        .sendJsonObject(new io.vertx.core.json.JsonObject().put("login", "x".repeat(65)).put("password", "whatever")));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("invalid_request");
  }

  @Test
  @DisplayName("chat page without WEBCHAT_FRAME_ANCESTORS: nobody may frame it; a bad origin stops the start with one line")
  void frameAncestorsSetting() {
    assertThat(GatewayConfig.load(ConfigSource.of(Map.of())).channels()).filteredOn(c -> c.name().equals("webchat"))
        .singleElement().extracting(c -> ((jp.kurashi.connectors.webchat.WebchatChannel.Setup) c).frameAncestors())
        .isEqualTo(java.util.List.of());
    assertThatThrownBy(() -> GatewayConfig.load(ConfigSource.of(Map.of("WEBCHAT_FRAME_ANCESTORS", "https://ok.example.jp/path"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("WEBCHAT_FRAME_ANCESTORS must be space-separated origins");
    assertThatThrownBy(() -> GatewayConfig.load(ConfigSource.of(Map.of("LOGIN_MAX_PER_MINUTE", "0"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("LOGIN_MAX_PER_MINUTE");
  }
}
