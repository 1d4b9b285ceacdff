package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.app.embedded.LocalPostgres;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.FreePorts;
import jp.kurashi.testkit.TestRedis;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("GET /health")
class HealthTest {

  /** The embedded server's generated password, which it keeps beside its data directory. */
  private static String password(Path dir) throws java.io.IOException {
    return java.nio.file.Files.readString(dir.resolve("pg-password")).strip();
  }

  @Test
  @DisplayName("turns 503 when PostgreSQL stops and back to 200 when it returns")
  void followsTheDatabase(Vertx vertx, @TempDir Path dir) throws Exception {
    int port = FreePorts.next();
    LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), port);
    String url = "postgresql://postgres:" + password(dir) + "@127.0.0.1:" + port + "/postgres";
    try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url))) {
      assertThat(running.health().statusCode()).isEqualTo(200);
      JsonObject body = running.health().bodyAsJsonObject();
      assertThat(body.getString("status")).isEqualTo("UP");
      assertThat(body.getJsonObject("checks")).isEqualTo(new JsonObject().put("database", "UP"));
      assertThat(body.getJsonObject("channels").getJsonObject("webchat").getString("status")).isEqualTo("UP");

      pg.close();
      Await.until(Duration.ofSeconds(15), "503", () -> running.health().statusCode() == 503);
      assertThat(running.health().bodyAsJsonObject().getString("status")).isEqualTo("DOWN");

      pg = LocalPostgres.start(dir.resolve("pg"), port);
      Await.until(Duration.ofSeconds(30), "200 again", () -> running.health().statusCode() == 200);
    } finally {
      pg.close();
    }
  }

  @Test
  @DisplayName("checks Redis too when REDIS_URL is set")
  void checksRedis(Vertx vertx, @TempDir Path dir) throws Exception {
    try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), 0);
         TestRedis redis = TestRedis.start()) {
      String url = "postgresql://postgres:" + password(dir) + "@127.0.0.1:" + pg.port() + "/postgres";
      try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url, "REDIS_URL", redis.url()))) {
        assertThat(running.health().bodyAsJsonObject().getJsonObject("checks"))
            .isEqualTo(new JsonObject().put("database", "UP").put("redis", "UP"));
        redis.close();
        Await.until(Duration.ofSeconds(15), "503 without redis", () -> running.health().statusCode() == 503);
        assertThat(running.health().bodyAsJsonObject().getJsonObject("checks").getString("redis")).isEqualTo("DOWN");
      }
    }
  }
}
