package jp.kurashi.testkit.crash;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;

/**
 * LINE's webhook delivery: each event is signed with the channel secret and has its own
 * webhookEventId; an event that got anything but a 200 (or no answer at all) is delivered again later
 * with {@code isRedelivery: true}, as LINE does when redelivery is on.
 */
final class LineResidents {

  static final String SECRET = "crash-channel-secret";
  private static final long REDELIVER_MS = 1_000;

  private final Context context;
  private final HttpClient http;
  private final int port;
  private final int users;
  private final Ledger ledger;
  private final List<Event> waiting = new ArrayList<>();
  private final java.util.concurrent.atomic.AtomicInteger unanswered = new java.util.concurrent.atomic.AtomicInteger();
  private long timer = -1;

  /** One message event until LINE has its 200. */
  private static final class Event {
    final String id;
    final String userId;
    final String marker;
    int deliveries;
    long dueAt;

    Event(String id, String userId, String marker) {
      this.id = id;
      this.userId = userId;
      this.marker = marker;
    }
  }

  LineResidents(Vertx vertx, int port, int users, Ledger ledger) {
    this.context = vertx.getOrCreateContext();
    // A killed gateway resets connections: expected, and the failed request is redelivered.
    this.http = vertx.httpClientBuilder().with(new HttpClientOptions().setConnectTimeout(2_000).setIdleTimeout(5))
        .with(new PoolOptions().setHttp1MaxSize(8)).withConnectHandler(conn -> conn.exceptionHandler(err -> { }))
        .build();
    this.port = port;
    this.users = users;
    this.ledger = ledger;
  }

  static String userId(int n) {
    return "Ucrash" + String.format("%027d", n);
  }

  void start() {
    context.runOnContext(v -> timer = context.owner().setPeriodic(100, id -> deliverDue()));
  }

  void write(Random random) {
    int user = random.nextInt(users);
    context.runOnContext(v -> {
      String marker = ledger.newMessage(Channel.LINE);
      unanswered.incrementAndGet();
      waiting.add(new Event("01CRASH" + marker.replaceAll("\\D", ""), userId(user), marker));
      deliverDue();
    });
  }

  /** Events still without a 200 (waiting or on the wire). */
  int pending() {
    return unanswered.get();
  }

  private void deliverDue() {
    long now = System.currentTimeMillis();
    for (Event e : new ArrayList<>(waiting)) {
      if (e.dueAt <= now) {
        waiting.remove(e);
        deliver(e);
      }
    }
  }

  private void deliver(Event e) {
    Buffer body = body(e);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI("/webhook/line").setTimeout(10_000)
        .putHeader("Content-Type", "application/json").putHeader("X-Line-Signature", sign(body));
    e.deliveries++;
    http.request(options).compose(req -> req.send(body)).compose(resp -> resp.body().map(b -> resp.statusCode()))
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result() == 200) {
            unanswered.decrementAndGet();
            ledger.acked(Channel.LINE, e.marker);
          } else {
            e.dueAt = System.currentTimeMillis() + REDELIVER_MS;
            waiting.add(e);
          }
        });
  }

  private static Buffer body(Event e) {
    JsonObject event = new JsonObject().put("type", "message").put("mode", "active")
        .put("timestamp", System.currentTimeMillis()).put("webhookEventId", e.id)
        .put("source", new JsonObject().put("type", "user").put("userId", e.userId))
        .put("deliveryContext", new JsonObject().put("isRedelivery", e.deliveries > 0))
        .put("replyToken", "r" + e.id + "-" + e.deliveries)
        .put("message", new JsonObject().put("type", "text").put("id", e.id.substring(7)).put("quoteToken", "q")
            .put("text", "仕事がなくなりました " + e.marker));
    return Buffer.buffer(new JsonObject().put("destination", "Ucrashdesk").put("events", new JsonArray().add(event))
        .encode());
  }

  private static String sign(Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes()));
    } catch (GeneralSecurityException ex) {
      throw new IllegalStateException(ex);
    }
  }

  void stop() {
    context.runOnContext(v -> context.owner().cancelTimer(timer));
  }
}
