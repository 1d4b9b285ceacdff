package jp.kurashi.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Signed LINE webhooks against the packaged gateway: the most events per second it commits with
 * signature checks on (N concurrent senders), and latency p50/p99 at a fixed 200 events/s.
 */
final class LineWebhookBenchmark {

  static final String SECRET = "bench-channel-secret";
  /** Event numbers from here on belong to the warm-up and come from users of their own. */
  private static final long WARMUP_IDS = 1_000_000_000L;

  private LineWebhookBenchmark() {
  }

  static void run(String[] args) throws Exception {
    BenchTarget target = BenchTarget.parse(args);
    int seconds = target.intArg(0, 20);
    int senders = target.intArg(1, 32);
    int rate = target.intArg(2, 200);
    Path jar = Path.of(target.stringArg(3, "gateway/target/gateway.jar"));
    Path dir = Files.createTempDirectory("kurashi-line-bench");
    int unused;
    try (ServerSocket s = new ServerSocket(0)) {
      unused = s.getLocalPort();
    }
    String api = "http://127.0.0.1:" + unused + "/";
    System.out.printf("LINE webhook benchmark: %d s per run, %d senders, then %d events/s; %d cores%n",
        seconds, senders, rate, Runtime.getRuntime().availableProcessors());
    Map<String, String> env = new java.util.HashMap<>(target.gatewayEnv(dir));
    env.putAll(Map.of("LINE_CHANNEL_SECRET", SECRET, "LINE_CHANNEL_ACCESS_TOKEN", "bench-token",
        "LINE_API_BASE_URL", api, "LINE_DATA_API_BASE_URL", api, "LINE_TIMEOUT_SECONDS", "1"));
    Vertx vertx = Vertx.vertx();
    try (LineApiStandIn line = LineApiStandIn.start(vertx, unused);
         GatewayProcess gateway = GatewayProcess.start(jar, dir, "512m", env)) {
      PgConnectOptions connect = target.connectOptions(dir);
      target.describe(vertx, connect, true);
      WebClient client = WebClient.create(vertx, new WebClientOptions(),
          new io.vertx.core.http.PoolOptions().setHttp1MaxSize(senders + 8));
      if (target.warmup()) {
        // The same load once first, from other users (new cases, as in the measured runs), unmeasured: the
        // figures are then a warm JVM's, as a gateway that has been running for a day is.
        AtomicLong warmIds = new AtomicLong(WARMUP_IDS);
        closedLoop(vertx, client, gateway.port, senders, seconds, warmIds);
        settle(vertx, connect);
        openLoop(vertx, client, gateway.port, rate, seconds, warmIds);
        settle(vertx, connect);
        System.out.println("warm-up done");
      }
      AtomicLong ids = new AtomicLong();

      closedLoop(vertx, client, gateway.port, senders, 5, ids);
      double[] max = closedLoop(vertx, client, gateway.port, senders, seconds, ids);
      // The paced run measures a steady 200 events/s, not the tail of the flood before it: the closed loop
      // commits faster than triage and notices follow, and their backlog would share the cores with the paced run.
      settle(vertx, connect);
      double[] paced = openLoop(vertx, client, gateway.port, rate, seconds, ids);

      System.out.println();
      System.out.println("| run | events/s committed | p50 ms | p99 ms |");
      System.out.println("| --- | ---: | ---: | ---: |");
      System.out.printf("| %d concurrent senders, 1 event per webhook | %.0f | %.2f | %.2f |%n", senders, max[0], max[1], max[2]);
      System.out.printf("| fixed %d events/s, 1 event per webhook | %.0f | %.2f | %.2f |%n", rate, paced[0], paced[1], paced[2]);
      System.out.printf("pushes accepted by the stand-in LINE API: %d%n", line.pushes());
    } finally {
      vertx.close().await();
    }
  }

  /**
   * Waits until the gateway has finished the after-commit work of what it acknowledged (every resident message
   * triaged, no automatic message waiting in the outbox), and says how much there was.
   */
  static void settle(Vertx vertx, PgConnectOptions connect) throws InterruptedException {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(connect).using(vertx).build();
    try {
      long start = System.nanoTime();
      String first = null;
      long backlog;
      do {
        var row = pool.query("""
            SELECT (SELECT count(*) FROM message m WHERE m.direction = 'in' AND NOT m.automated
                       AND NOT EXISTS (SELECT 1 FROM triage_result t WHERE t.message_id = m.id)) AS untriaged,
                   (SELECT count(*) FROM outbox WHERE status = 'pending') AS unsent
            """).execute().await().iterator().next();
        backlog = row.getLong("untriaged") + row.getLong("unsent");
        first = first == null ? row.getLong("untriaged") + " messages to triage, " + row.getLong("unsent")
            + " automatic messages to send" : first;
        if (backlog > 0) {
          Thread.sleep(200);
        }
      } while (backlog > 0 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(90));
      if (backlog > 0) {
        for (var r : pool.query("""
            SELECT channel, attempts, left(coalesce(last_error, '-'), 80) AS error, count(*) AS n FROM outbox
             WHERE status = 'pending' GROUP BY 1, 2, 3 ORDER BY n DESC LIMIT 5
            """).execute().await()) {
          System.out.printf("  still pending: %s attempts=%d error=%s: %d%n", r.getString("channel"),
              r.getInteger("attempts"), r.getString("error"), r.getLong("n"));
        }
      }
      System.out.printf("after-commit backlog: %s; %s in %.1f s%n", first, backlog == 0 ? "settled" : "NOT settled",
          (System.nanoTime() - start) / 1e9);
    } finally {
      pool.close().await();
    }
  }

  static Buffer signedBody(long n) {
    JsonObject event = new JsonObject().put("type", "message").put("mode", "active")
        .put("timestamp", System.currentTimeMillis()).put("webhookEventId", "bench-" + n)
        .put("source", new JsonObject().put("type", "user")
            .put("userId", (n >= WARMUP_IDS ? "Uwarm" : "Ubench") + (n % 5_000)))
        .put("deliveryContext", new JsonObject().put("isRedelivery", false)).put("replyToken", "r" + n)
        .put("message", new JsonObject().put("type", "text").put("id", String.valueOf(n))
            .put("text", "仕事がなくなって家賃が払えません。どうしたらいいですか。").put("quoteToken", "q"));
    return Buffer.buffer(new JsonObject().put("destination", "U0").put("events", new JsonArray().add(event)).encode());
  }

  static String sign(Buffer body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return Base64.getEncoder().encodeToString(mac.doFinal(body.getBytes()));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Future<Long> post(WebClient client, int port, long n) {
    Buffer body = signedBody(n);
    long t0 = System.nanoTime();
    return client.post(port, "127.0.0.1", "/webhook/line").putHeader("X-Line-Signature", sign(body))
        .putHeader("Content-Type", "application/json").sendBuffer(body)
        .compose(r -> r.statusCode() == 200 ? Future.succeededFuture(System.nanoTime() - t0)
            : Future.failedFuture("status " + r.statusCode()));
  }

  private static double[] closedLoop(Vertx vertx, WebClient client, int port, int senders, int seconds, AtomicLong ids) {
    ClosedLoop.Result run = ClosedLoop.run(vertx, senders, seconds, () -> post(client, port, ids.incrementAndGet()));
    return new double[] {run.perSecond(), run.latencies().ms(50), run.latencies().ms(99)};
  }

  private static double[] openLoop(Vertx vertx, WebClient client, int port, int rate, int seconds, AtomicLong ids)
      throws InterruptedException {
    List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
    long total = (long) rate * seconds;
    AtomicLong sent = new AtomicLong();
    AtomicLong finished = new AtomicLong();
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    long timer = vertx.setPeriodic(1, id -> {
      long due = Math.min(total, (System.nanoTime() - start) / interval);
      while (sent.get() < due) {
        sent.incrementAndGet();
        post(client, port, ids.incrementAndGet()).onComplete(ar -> {
          if (ar.succeeded()) {
            latencies.add(ar.result());
          }
          finished.incrementAndGet();
        });
      }
    });
    while (finished.get() < total) {
      Thread.sleep(50);
    }
    vertx.cancelTimer(timer);
    double elapsed = (System.nanoTime() - start) / 1e9;
    Percentiles pct = new Percentiles(latencies.stream().mapToLong(Long::longValue).toArray());
    return new double[] {pct.count() / elapsed, pct.ms(50), pct.ms(99)};
  }
}
