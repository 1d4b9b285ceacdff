package jp.kurashi.app;

import io.vertx.core.Future;
import io.vertx.core.Promise;
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

  /** The case events' data. */
  final List<JsonObject> events = new CopyOnWriteArrayList<>();
  /** The data of the {@code session-ended} event, when the server ended the stream with one. */
  final Promise<JsonObject> sessionEnded = Promise.promise();
  /** How many times the server said events may have been missed ({@code resync}). */
  final java.util.concurrent.atomic.AtomicInteger resyncs = new java.util.concurrent.atomic.AtomicInteger();
  /** Completes when the server has ended the response (or the connection went). */
  final Promise<Void> ended = Promise.promise();
  private final HttpClient client;
  private final StringBuilder pending = new StringBuilder();

  private LiveEventsStream(HttpClient client) {
    this.client = client;
  }

  /** Opens the stream with a logged-in staff member's session cookie; returns once it is connected. */
  static LiveEventsStream open(Vertx vertx, int port, String cookie) {
    LiveEventsStream stream = attempt(vertx, port, cookie);
    if (stream.status != 200) {
      throw new IllegalStateException("live events refused: " + stream.status + " " + stream.refusal);
    }
    return stream;
  }

  /** Opens the stream whatever the answer: {@link #status} and {@link #refusal} say what it was. */
  static LiveEventsStream attempt(Vertx vertx, int port, String cookie) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions());
    LiveEventsStream stream = new LiveEventsStream(client);
    stream.status = Await.result(client.request(new RequestOptions().setMethod(HttpMethod.GET)
            .setHost("127.0.0.1").setPort(port).setURI("/api/events").putHeader("Cookie", cookie)
            .putHeader("Accept", "text/event-stream"))
        .compose(req -> req.send())
        .compose(resp -> {
          if (resp.statusCode() != 200) {
            return resp.body().map(body -> {
              stream.refusal = new JsonObject(body);
              return resp.statusCode();
            });
          }
          resp.handler(chunk -> stream.onChunk(chunk.toString()));
          resp.endHandler(v -> stream.ended.tryComplete());
          resp.exceptionHandler(err -> stream.ended.tryComplete());
          return Future.succeededFuture(resp.statusCode());
        }));
    return stream;
  }

  int status;
  JsonObject refusal;

  private synchronized void onChunk(String chunk) {
    pending.append(chunk);
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, end);
      pending.delete(0, end + 2);
      String type = null;
      for (String line : block.split("\n")) {
        if (line.startsWith("event: ")) {
          type = line.substring(7);
        } else if (line.startsWith("data: ")) {
          JsonObject data = new JsonObject(line.substring(6));
          if ("session-ended".equals(type)) {
            sessionEnded.tryComplete(data);
          } else if ("resync".equals(type)) {
            resyncs.incrementAndGet();
          } else {
            events.add(data);
          }
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
