package jp.kurashi.connectors.line;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The LINE quota watch")
class LineQuotaWatchTest {

  @Test
  @DisplayName("reads the quota at start and on its interval, and stops with its verticle")
  void stopsWithItsVerticle(Vertx vertx) throws Exception {
    try (LineServer server = new LineServer(vertx)) {
      String id = Await.result(vertx.deployVerticle(new LineQuotaWatch(server.connector, Duration.ofMillis(50))));
      Await.until(Duration.ofSeconds(10), "the quota read a few times", () -> server.line.quotaReads.get() >= 3);
      Await.until(Duration.ofSeconds(10), "the quota in the channel's health",
          () -> server.connector.health().details().getJsonObject("quota") != null);

      Await.result(vertx.undeploy(id));
      int atStop = server.line.quotaReads.get();
      Thread.sleep(400);
      // One read may have been on its way when the watch stopped; more would mean reads stacked up or went on.
      assertThat(server.line.quotaReads.get()).as("reads after the watch stopped").isLessThanOrEqualTo(atStop + 1);
    }
  }
}
