package jp.kurashi.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady, bounded stream of signed LINE message webhooks to one gateway on 127.0.0.1, one event per
 * delivery, recording each answer; {@link #redeliver} plays LINE's redelivery of the same event.
 */
final class LineLoad {

  /** How long LINE would wait; an answer slower than this counts as a hang (status -1). */
  static final long REQUEST_TIMEOUT_MS = 10_000;

  /** One delivery and its answer: an HTTP status, or -1 for no answer within the timeout. */
  record Answer(String eventId, int status, long sentAtNanos, long millis) {
  }

  private final Vertx vertx;
  private final WebClient client;
  private final String secret;
  private final String prefix;
  private final int users;
  private final int maxEvents;
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  final List<Answer> answers = new CopyOnWriteArrayList<>();
  private long timer = -1;

  LineLoad(Vertx vertx, int port, String secret, String prefix, int users, int maxEvents) {
    this.vertx = vertx;
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
        new PoolOptions().setHttp1MaxSize(32));
    this.secret = secret;
    this.prefix = prefix;
    this.users = users;
    this.maxEvents = maxEvents;
  }

  /** Sends one new event every {@code periodMs} until {@link #stop} or {@code maxEvents}. */
  LineLoad start(long periodMs) {
    timer = vertx.setPeriodic(periodMs, id -> {
      int n = sent.incrementAndGet();
      if (n > maxEvents) {
        vertx.cancelTimer(id);
        return;
      }
      String eventId = prefix + "-" + n;
      long at = System.nanoTime();
      inFlight.incrementAndGet();
      deliver(eventId, "U" + prefix + (n % users), false).onComplete(ar -> {
        answers.add(new Answer(eventId, ar.succeeded() ? ar.result() : -1, at, (System.nanoTime() - at) / 1_000_000));
        inFlight.decrementAndGet();
      });
    });
    return this;
  }

  /** Stops sending; answers to deliveries already sent still arrive (see {@link #idle}). */
  void stop() {
    vertx.cancelTimer(timer);
  }

  boolean idle() {
    return inFlight.get() == 0;
  }

  long count(int status) {
    return answers.stream().filter(a -> a.status() == status).count();
  }

  long countSince(long nanos, int status) {
    return answers.stream().filter(a -> a.sentAtNanos() >= nanos && a.status() == status).count();
  }

  /** LINE's redelivery: the same webhookEventId, flagged {@code isRedelivery}. */
  Future<Integer> redeliver(String eventId) {
    String n = eventId.substring(eventId.lastIndexOf('-') + 1);
    return deliver(eventId, "U" + prefix + (Integer.parseInt(n) % users), true);
  }

  /** One signed webhook carrying one text message; completes with the HTTP status. */
  Future<Integer> deliver(String eventId, String userId, boolean redelivery) {
    JsonObject event = new JsonObject().put("type", "message").put("mode", "active")
        .put("timestamp", System.currentTimeMillis()).put("webhookEventId", eventId)
        .put("source", new JsonObject().put("type", "user").put("userId", userId))
        .put("deliveryContext", new JsonObject().put("isRedelivery", redelivery)).put("replyToken", "r-" + eventId)
        .put("message", new JsonObject().put("type", "text").put("id", eventId).put("text", "家賃が払えません")
            .put("quoteToken", "q"));
    byte[] body = new JsonObject().put("destination", "U0").put("events", new JsonArray().add(event)).encode()
        .getBytes(StandardCharsets.UTF_8);
    return client.post("/webhook/line").timeout(REQUEST_TIMEOUT_MS)
        .putHeader("X-Line-Signature", sign(body))
        .sendBuffer(Buffer.buffer(body))
        .map(r -> r.statusCode());
  }

  private String sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
