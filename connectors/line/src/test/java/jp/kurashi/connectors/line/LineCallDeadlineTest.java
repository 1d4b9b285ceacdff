package jp.kurashi.connectors.line;

import com.linecorp.bot.messaging.model.TextMessage;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(VertxExtension.class)
@DisplayName("A call to LINE's API is cut off at LINE_TIMEOUT_SECONDS as a whole")
class LineCallDeadlineTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(1);
  private HttpServer slowLine;
  private LineSettings settings;
  private LineApi api;

  @BeforeEach
  void start(Vertx vertx) {
    // Answers every call 200 with a body that trickles in, a byte every 200 ms for 4 s: each read is well within the
    // SDK's read timeout, the call as a whole is not.
    slowLine = Await.result(vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      HttpServerResponse response = request.response().setChunked(true).putHeader("Content-Type",
          request.path().contains("/content") ? "image/jpeg" : "application/json");
      response.write(request.path().contains("/content") ? Buffer.buffer(new byte[] {(byte) 0xFF, (byte) 0xD8}) : Buffer.buffer("{"));
      long[] left = {20};
      vertx.setPeriodic(200, id -> {
        if (response.closed()) {
          vertx.cancelTimer(id);
        } else if (--left[0] > 0) {
          response.write(" ");
        } else {
          vertx.cancelTimer(id);
          response.end(request.path().contains("/content") ? " " : "\"sentMessages\":[]}");
        }
      });
    })).listen(0, "127.0.0.1"));
    URI base = URI.create("http://127.0.0.1:" + slowLine.actualPort() + "/");
    settings = new LineSettings("secret", "token", base, base, 1024 * 1024, 90, Duration.ofMinutes(10),
        TIMEOUT, 64, Duration.ofSeconds(10), Duration.ofMinutes(1), 5, 4);
    api = new LineApi(vertx, settings);
  }

  @AfterEach
  void stop() {
    Await.result(slowLine.close());
  }

  @Test
  @DisplayName("a reply token's try and a push whose answers trickle in fail at the deadline, not when the trickle ends")
  void trickleCutOff() {
    for (Runnable call : List.<Runnable>of(
        () -> Await.result(api.reply("token", List.of(new TextMessage("テスト")))),
        () -> Await.result(api.push("U1", List.of(new TextMessage("テスト")), UUID.randomUUID())))) {
      long started = System.nanoTime();
      assertThatThrownBy(call::run).as("a call whose answer takes 4 s");
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(took).as("time until the call failed").isLessThan(Duration.ofMillis(2_500));
    }
  }

  @Test
  @DisplayName("a media file that takes longer on a slow line is still fetched: the data API has no whole-call deadline")
  void mediaNotCut() {
    LineApi.Media media = Await.result(api.content("m1", 1024));
    assertThat(media.data()).hasSize(22);
  }

  @Test
  @DisplayName("the outbox waits for the reply token's try and the first push before it counts an attempt as failed")
  void outboxWaitsForBoth(Vertx vertx) {
    LineConnector connector = new LineConnector(vertx, api, settings, null, null, null);
    assertThat(connector.longestSend()).contains(TIMEOUT.multipliedBy(2));
  }
}
