package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.FreePorts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, item 11 (metrics): {@code METRICS_TOKEN} makes {@code /metrics} a bearer-token call, and
 * {@code METRICS_PORT} moves it off the public port onto its own loopback server.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Metrics access")
class MetricsAccessTest {

  private static final String TOKEN = "scrape-token-0123456789abcdef";

  private static HttpResponse<Buffer> metrics(Vertx vertx, int port, String authorization) {
    var req = WebClient.create(vertx).get(port, "127.0.0.1", "/metrics");
    if (authorization != null) {
      req.putHeader("Authorization", authorization);
    }
    return Await.result(req.send());
  }

  @Test
  @DisplayName("with METRICS_TOKEN: 401 without it, with a wrong one or a staff session; 200 with Bearer <token>; never logged")
  void token(Vertx vertx) {
    try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL",
        TestDatabases.migrated(), "METRICS_TOKEN", TOKEN))) {
      int port = running.gateway.httpPort();
      HttpResponse<Buffer> none = metrics(vertx, port, null);
      assertThat(none.statusCode()).isEqualTo(401);
      assertThat(none.getHeader("WWW-Authenticate")).startsWith("Bearer");
      assertThat(none.bodyAsString()).doesNotContain("jvm_memory");
      assertThat(metrics(vertx, port, "Bearer " + TOKEN + "x").statusCode()).isEqualTo(401);
      assertThat(metrics(vertx, port, "Bearer " + TOKEN.substring(1)).statusCode()).isEqualTo(401);
      assertThat(metrics(vertx, port, "Basic " + TOKEN).statusCode()).isEqualTo(401);
      assertThat(metrics(vertx, port, "Bearer ").statusCode()).isEqualTo(401);
      RunningGateway.StaffClient admin = running.client();
      admin.login("admin", RunningGateway.ADMIN_PASSWORD);
      assertThat(admin.get("/metrics").statusCode()).as("a staff session is not a scrape token").isEqualTo(401);

      HttpResponse<Buffer> ok = metrics(vertx, port, "Bearer " + TOKEN);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.bodyAsString()).contains("jvm_memory_heap_used_bytes");
      assertThat(running.console.toString(StandardCharsets.UTF_8)).doesNotContain(TOKEN);
    }
  }

  @Test
  @DisplayName("with METRICS_PORT: the public port answers 404 for /metrics, the metrics port (loopback) answers it")
  void port(Vertx vertx) {
    int metricsPort = FreePorts.next();
    try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL",
        TestDatabases.migrated(), "METRICS_PORT", String.valueOf(metricsPort)))) {
      assertThat(metrics(vertx, running.gateway.httpPort(), null).statusCode()).isEqualTo(404);
      assertThat(running.gateway.metricsPort()).isEqualTo(metricsPort);
      HttpResponse<Buffer> ok = metrics(vertx, metricsPort, null);
      assertThat(ok.statusCode()).isEqualTo(200);
      assertThat(ok.bodyAsString()).contains("jvm_memory_heap_used_bytes");
      assertThat(Await.result(WebClient.create(vertx).get(metricsPort, "127.0.0.1", "/health").send()).statusCode())
          .as("the metrics server serves nothing else").isEqualTo(404);
    }
  }

  @Test
  @DisplayName("with both: the metrics port still needs the token")
  void portAndToken(Vertx vertx) {
    int metricsPort = FreePorts.next();
    try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL",
        TestDatabases.migrated(), "METRICS_PORT", String.valueOf(metricsPort), "METRICS_TOKEN", TOKEN))) {
      assertThat(metrics(vertx, running.gateway.httpPort(), "Bearer " + TOKEN).statusCode()).isEqualTo(404);
      assertThat(metrics(vertx, metricsPort, null).statusCode()).isEqualTo(401);
      assertThat(metrics(vertx, metricsPort, "Bearer " + TOKEN).statusCode()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("without either setting /metrics stays open on the public port, as before")
  void unchanged(Vertx vertx) {
    try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL",
        TestDatabases.migrated()))) {
      assertThat(metrics(vertx, running.gateway.httpPort(), null).statusCode()).isEqualTo(200);
      assertThat(running.gateway.metricsPort()).isEqualTo(-1);
    }
  }
}
