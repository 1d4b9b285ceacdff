package jp.kurashi.app;

import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.config.ConfigException;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestRedis;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 14, item 11 (TRUSTED_PROXIES) and item 5 (the login limit shared through Redis): audit rows, limits and
 * HSTS use X-Forwarded-For and X-Forwarded-Proto only from a trusted proxy.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Trusted proxies and shared limits")
class TrustedProxiesTest {

  private static HttpResponse<Buffer> login(RunningGateway running, String password, Map<String, String> headers) {
    var request = WebClient.create(running.vertx).post(running.gateway.httpPort(), "127.0.0.1", "/api/login");
    headers.forEach(request::putHeader);
    return Await.result(request.sendJsonObject(new JsonObject().put("login", "admin").put("password", password)));
  }

  private static List<String> loginAddresses(Vertx vertx, String url) {
    Database db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 1)));
    try {
      List<String> out = new ArrayList<>();
      Await.result(db.pool().preparedQuery("SELECT remote_addr FROM audit_log WHERE action = $1 ORDER BY id")
          .execute(Tuple.of("login"))).forEach(row -> out.add(row.getString(0)));
      return out;
    } finally {
      Await.result(db.close());
    }
  }

  @Test
  @DisplayName("without TRUSTED_PROXIES a forged X-Forwarded-For is ignored in the audit row, and X-Forwarded-Proto brings no HSTS")
  void forgedIgnored(Vertx vertx) {
    String url = TestDatabases.migrated();
    try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url))) {
      HttpResponse<Buffer> r = login(running, "wrong-password",
          Map.of("X-Forwarded-For", "203.0.113.66", "X-Forwarded-Proto", "https"));
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.getHeader("Strict-Transport-Security")).isNull();
    }
    assertThat(loginAddresses(vertx, url)).last().isEqualTo("127.0.0.1");
  }

  @Test
  @DisplayName("from a trusted proxy: the right-most untrusted X-Forwarded-For address is audited, and https brings HSTS")
  void trustedHonoured(Vertx vertx) {
    String url = TestDatabases.migrated();
    try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url,
        "TRUSTED_PROXIES", "127.0.0.1, 10.0.0.0/8"))) {
      // The client wrote 198.51.100.5 itself; the outer proxy saw 203.0.113.7, the inner one 10.1.2.3.
      HttpResponse<Buffer> r = login(running, "wrong-password",
          Map.of("X-Forwarded-For", "198.51.100.5, 203.0.113.7, 10.1.2.3", "X-Forwarded-Proto", "https"));
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.getHeader("Strict-Transport-Security")).startsWith("max-age=");
      assertThat(login(running, "wrong-password", Map.of()).getHeader("Strict-Transport-Security")).isNull();
    }
    assertThat(loginAddresses(vertx, url)).containsExactly("203.0.113.7", "127.0.0.1");
  }

  @Test
  @DisplayName("behind a trusted proxy each client has its own login limit; a forged left-most address does not reset it")
  void loginLimitPerForwardedClient(Vertx vertx) {
    try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestDatabases.migrated(),
        "TRUSTED_PROXIES", "127.0.0.1", "LOGIN_MAX_PER_MINUTE", "2"))) {
      Map<String, String> a = Map.of("X-Forwarded-For", "203.0.113.7");
      assertThat(login(running, "wrong-password", a).statusCode()).isEqualTo(401);
      assertThat(login(running, "wrong-password", Map.of("X-Forwarded-For", "192.0.2.1, 203.0.113.7")).statusCode())
          .isEqualTo(401);
      assertThat(login(running, "wrong-password", Map.of("X-Forwarded-For", "192.0.2.2, 203.0.113.7")).statusCode())
          .isEqualTo(429);
      assertThat(login(running, RunningGateway.ADMIN_PASSWORD, Map.of("X-Forwarded-For", "203.0.113.8")).statusCode())
          .isEqualTo(200);
    }
  }

  @Test
  @DisplayName("LOGIN_MAX_PER_MINUTE is shared by two gateway instances on one Redis")
  void loginLimitSharedThroughRedis(Vertx vertx) {
    try (TestRedis redis = TestRedis.start();
         RunningGateway one = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestDatabases.migrated(),
             "REDIS_URL", redis.url(), "LOGIN_MAX_PER_MINUTE", "3"));
         RunningGateway two = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestDatabases.migrated(),
             "REDIS_URL", redis.url(), "LOGIN_MAX_PER_MINUTE", "3"))) {
      assertThat(login(one, "wrong-password", Map.of()).statusCode()).isEqualTo(401);
      assertThat(login(two, "wrong-password", Map.of()).statusCode()).isEqualTo(401);
      assertThat(login(one, "wrong-password", Map.of()).statusCode()).isEqualTo(401);
      HttpResponse<Buffer> refused = login(two, RunningGateway.ADMIN_PASSWORD, Map.of());
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isBetween(1, 60);
    }
  }

  @Test
  @DisplayName("a TRUSTED_PROXIES entry that is not an address or CIDR block stops the start with one line")
  void garbage() {
    for (String bad : List.of("lb.example.jp", "10.0.0.0/40", "10.0.0.1;rm")) {
      assertThatThrownBy(() -> GatewayConfig.load(ConfigSource.of(Map.of("TRUSTED_PROXIES", bad))))
          .isInstanceOf(ConfigException.class).hasMessageStartingWith("TRUSTED_PROXIES must be IP addresses or CIDR blocks");
    }
    assertThat(GatewayConfig.load(ConfigSource.of(Map.of("TRUSTED_PROXIES", "10.0.0.0/8 192.0.2.7,fd00::/8")))
        .clientAddress().trusted()).hasSize(3);
  }
}
