package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import jp.kurashi.testkit.Await;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** The console's {@code GET /api/events} stream as a browser holds it open, with every event's data kept. */
final class LiveEventsStream implements AutoCloseable {

  final List<JsonObject> events = new CopyOnWriteArrayList<>();
  private final HttpClient client;
  private final StringBuilder pending = new StringBuilder();

  private LiveEventsStream(HttpClient client) {
    this.client = client;
  }

  /** Opens the stream with a logged-in staff member's session cookie; returns once it is connected. */
  static LiveEventsStream open(Vertx vertx, int port, String cookie) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions());
    LiveEventsStream stream = new LiveEventsStream(client);
    int status = Await.result(client.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setHost("127.0.0.1").setPort(port).setURI("/api/events").putHeader("Cookie", cookie)
            .putHeader("Accept", "text/event-stream"))
        .compose(req -> req.send())
        .map(resp -> {
          resp.handler(chunk -> stream.onChunk(chunk.toString()));
          return resp.statusCode();
        }));
    if (status != 200) {
      throw new IllegalStateException("live events refused: " + status);
    }
    return stream;
  }

  private synchronized void onChunk(String chunk) {
    pending.append(chunk);
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      for (String line : block.split("\n")) {
        if (line.startsWith("data: ")) {
          events.add(new JsonObject(line.substring(6)));
        }
      }
    }
  }

  boolean hasCase(long caseId) {
    return events.stream().anyMatch(e -> e.getLong("caseId") == caseId);
  }

  @Override
  public void close() {
    Await.result(client.close());
  }
}
