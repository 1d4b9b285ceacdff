package jp.kurashi.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N resident sockets open at once on the packaged gateway (its own process, -Xmx512m), M messages
 * per second spread across them: heap used by the gateway and ack latency p50/p99.
 */
final class WebchatBenchmark {

  private WebchatBenchmark() {
  }

  static void run(String[] args) throws Exception {
    BenchTarget target = BenchTarget.parse(args);
    int sockets = target.intArg(0, 5_000);
    int rate = target.intArg(1, 200);
    int seconds = target.intArg(2, 30);
    Path jar = Path.of(target.stringArg(3, "gateway/target/gateway.jar"));
    Path dir = Files.createTempDirectory("kurashi-webchat-bench");
    System.out.printf("web chat benchmark: %d sockets, %d messages/s for %d s, gateway -Xmx512m, %d cores%n",
        sockets, rate, seconds, Runtime.getRuntime().availableProcessors());

    if (target.restart()) {
      // A desk restarts its gateway on a server that has been running for months: the first pass fills this
      // cluster (its WAL segments, tables and indexes exist), then a new gateway JVM, cold, is measured on it.
      try (GatewayProcess first = GatewayProcess.start(jar, dir, "512m", target.gatewayEnv(dir))) {
        Vertx vertx = Vertx.vertx();
        WebClient http = WebClient.create(vertx, new WebClientOptions());
        WebSocketClient wsClient = vertx.createWebSocketClient(
            new WebSocketClientOptions().setMaxConnections(2 * sockets + 100));
        Pass used = pass(vertx, http, wsClient, first, sockets, rate, seconds, "r");
        System.out.printf("pass before the restart: %d messages, %d acked; restarting the gateway%n", used.total(),
            used.acked().get());
        for (WebSocket ws : used.open()) {
          ws.close();
        }
        vertx.close().await();
      }
    }
    try (GatewayProcess gateway = GatewayProcess.start(jar, dir, "512m", target.gatewayEnv(dir))) {
      Vertx vertx = Vertx.vertx();
      target.describe(vertx, target.connectOptions(dir), true);
      WebClient http = WebClient.create(vertx, new WebClientOptions());
      WebSocketClient wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(2 * sockets + 100));
      long heapIdle = heapAfterGc(gateway);

      if (target.warmup()) {
        // A first pass on other residents, not measured: the gateway's JIT compiles its hot paths here, so the
        // measured pass sees a warm JVM, as a gateway that has been running for a day is.
        Pass warm = pass(vertx, http, wsClient, gateway, sockets, rate, seconds, "w");
        System.out.printf("warm-up pass: %d messages, %d acked%n", warm.total(), warm.acked().get());
        for (WebSocket ws : warm.open()) {
          ws.close();
        }
        Thread.sleep(2000);
      }
      Pass measured = pass(vertx, http, wsClient, gateway, sockets, rate, seconds, "b");
      List<WebSocket> open = measured.open();
      long total = measured.total();
      AtomicLong acked = measured.acked();
      long[] latencies = measured.latencies();
      long heapConnected = measured.heapConnected();
      long heapPeak = measured.heapPeak();
      long start = measured.start();
      long heapLoaded = heapAfterGc(gateway);
      double elapsed = (System.nanoTime() - start) / 1e9;
      Percentiles p = new Percentiles(java.util.Arrays.copyOf(latencies, (int) Math.min(acked.get(), latencies.length)));

      System.out.println();
      System.out.println("| figure | value |");
      System.out.println("| --- | ---: |");
      System.out.printf("| sockets open | %d |%n", open.size());
      System.out.printf("| messages sent / acked | %d / %d |%n", total, acked.get());
      System.out.printf("| achieved rate | %.0f messages/s |%n", total / elapsed);
      System.out.printf("| ack latency p50 | %.2f ms |%n", p.ms(50));
      System.out.printf("| ack latency p99 | %.2f ms |%n", p.ms(99));
      System.out.printf("| ack latency max | %.2f ms |%n", p.ms(100));
      System.out.printf("| heap used, idle (after GC) | %.0f MB |%n", heapIdle / 1e6);
      System.out.printf("| heap used, sockets open (after GC) | %.0f MB |%n", heapConnected / 1e6);
      System.out.printf("| heap used, peak during load | %.0f MB |%n", heapPeak / 1e6);
      System.out.printf("| heap used, after load (after GC) | %.0f MB |%n", heapLoaded / 1e6);
      for (WebSocket ws : open) {
        ws.close();
      }
      vertx.close().await();
    }
  }

  /** What one pass (open the sockets, consent, send at the rate) measured. */
  private record Pass(List<WebSocket> open, long total, AtomicLong acked, long[] latencies, long heapConnected,
                      long heapPeak, long start) {
  }

  /** Opens {@code sockets} new sessions (new residents), then sends {@code rate} messages/s for {@code seconds}. */
  private static Pass pass(Vertx vertx, WebClient http, WebSocketClient wsClient, GatewayProcess gateway, int sockets,
                           int rate, int seconds, String prefix) throws Exception {
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < sockets; i += 100) {
      List<Future<String>> batch = new ArrayList<>();
      for (int j = i; j < Math.min(sockets, i + 100); j++) {
        batch.add(http.post(gateway.port, "127.0.0.1", "/webchat/sessions").send()
            .map(r -> r.bodyAsJsonObject().getString("token")));
      }
      Future.all(batch).await();
      batch.forEach(f -> tokens.add(f.result()));
    }

    // Consent names the notice's version, as the widget reads it from its config.
    String notice = http.get(gateway.port, "127.0.0.1", "/webchat/config").send().await().bodyAsJsonObject()
        .getJsonObject("privacyNotice").getString("version");
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    long[] latencies = new long[rate * seconds * 2];
    long[] sentAfter = new long[latencies.length];
    long[] passStart = {Long.MAX_VALUE};
    AtomicLong acked = new AtomicLong();
    AtomicLong messageFrames = new AtomicLong();
    List<WebSocket> open = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < sockets; i += 200) {
      List<Future<WebSocket>> batch = new ArrayList<>();
      for (int j = i; j < Math.min(sockets, i + 200); j++) {
        batch.add(wsClient.connect(gateway.port, "127.0.0.1", "/webchat/socket?token=" + tokens.get(j))
            .compose(ws -> {
              Future<Void> consented = Future.future(p -> ws.textMessageHandler(text -> {
                JsonObject frame = new JsonObject(text);
                switch (frame.getString("type")) {
                  case "consent" -> p.tryComplete();
                  case "message" -> messageFrames.incrementAndGet();
                  case "ack" -> {
                    Long start = sentAt.remove(frame.getString("clientId"));
                    if (start != null) {
                      int n = (int) acked.getAndIncrement();
                      if (n < latencies.length) {
                        latencies[n] = System.nanoTime() - start;
                        sentAfter[n] = start - passStart[0];
                      }
                    }
                  }
                  default -> { }
                }
              }));
              return ws.writeTextMessage(new JsonObject().put("type", "consent").put("accepted", true).put("version", notice)
                    .encode()).compose(v -> consented).map(ws);
            }));
      }
      Future.all(batch).await();
      batch.forEach(f -> open.add(f.result()));
    }
    double connectSeconds = (System.nanoTime() - t0) / 1e9;
    long heapConnected = heapAfterGc(gateway);
    System.out.printf("%d sockets open and consented in %.1f s; gateway reports %d open%n", open.size(),
        connectSeconds, gateway.metric("webchat_sockets_open"));

    AtomicLong sent = new AtomicLong();
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    passStart[0] = start;
    long total = (long) rate * seconds;
    long timer = vertx.setPeriodic(1, id -> {
      long due = Math.min(total, (System.nanoTime() - start) / intervalNanos);
      while (sent.get() < due) {
        long n = sent.getAndIncrement();
        WebSocket ws = open.get((int) (n % open.size()));
        String clientId = prefix + n;
        sentAt.put(clientId, System.nanoTime());
        ws.writeTextMessage(new JsonObject().put("type", "message").put("clientId", clientId)
            .put("text", "家賃の支払いについて相談したいです。(" + n + ")").encode());
      }
    });
    double cpuBefore = gateway.cpuSeconds();
    Map<String, Double> threadsBefore = gateway.threadCpu();
    // The gateway's own measure of the same acks, scraped every 5 s: its side of the socket alone, apart from the
    // load generator's (a cold JVM too, on the same two cores).
    List<AckHistogram> scrapes = new ArrayList<>(List.of(gateway.ackHistogram("webchat")));
    long heapPeak = 0;
    while (sent.get() < total) {
      Thread.sleep(500);
      heapPeak = Math.max(heapPeak, gateway.metric("jvm_memory_heap_used_bytes"));
      if (System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(5L * scrapes.size())) {
        scrapes.add(gateway.ackHistogram("webchat"));
      }
    }
    vertx.cancelTimer(timer);
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (acked.get() < total && System.nanoTime() < drainDeadline) {
      Thread.sleep(100);
    }
    scrapes.add(gateway.ackHistogram("webchat"));
    System.out.printf("gateway CPU while sending: %.1f s in %.1f s (sending from %s)%n", gateway.cpuSeconds() - cpuBefore,
        (System.nanoTime() - start) / 1e9, java.time.Instant.now().minusNanos(System.nanoTime() - start));
    // Each resident's first message out of hours gets the out-of-hours notice as a message frame.
    System.out.printf("message frames received by the residents' sockets: %d (for %d messages sent)%n",
        messageFrames.get(), total);
    System.out.println("gateway CPU by thread while sending: " + ThreadCpu.difference(threadsBefore, gateway.threadCpu()));
    printTimeline(latencies, sentAfter, (int) Math.min(acked.get(), latencies.length), seconds);
    printGatewaySide(scrapes);
    return new Pass(open, total, acked, latencies, heapConnected, heapPeak, start);
  }

  /** p99 of the messages sent in each 5 s of the pass: a cold gateway's tail sits in the first seconds. */
  private static void printTimeline(long[] latencies, long[] sentAfter, int count, int seconds) {
    StringBuilder line = new StringBuilder("ack p99 by 5 s window of sending:");
    for (int from = 0; from < seconds; from += 5) {
      line.append(String.format(" %d-%ds %.0f ms;", from, from + 5,
          sentBetween(latencies, sentAfter, count, from, from + 5).ms(99)));
    }
    System.out.println(line);
    StringBuilder first = new StringBuilder("ack p50 / p99 by second of the first 5 s:");
    for (int from = 0; from < Math.min(5, seconds); from++) {
      Percentiles p = sentBetween(latencies, sentAfter, count, from, from + 1);
      first.append(String.format(" %d s %.0f / %.0f ms;", from, p.ms(50), p.ms(99)));
    }
    System.out.println(first);
  }

  /** What the gateway itself measured, frame in to ack out: the whole pass, then each 5 s in which acks were sent. */
  private static void printGatewaySide(List<AckHistogram> scrapes) {
    if (scrapes.get(scrapes.size() - 1).count() == 0) {
      System.out.println("gateway-side ack: not reported (a gateway built before inbound_ack_seconds)");
      return;
    }
    System.out.println("gateway-side ack, whole pass: " + scrapes.get(scrapes.size() - 1).since(scrapes.get(0)).describe());
    StringBuilder line = new StringBuilder("gateway-side ack p99 by 5 s window of acking:");
    for (int i = 1; i < scrapes.size(); i++) {
      AckHistogram window = scrapes.get(i).since(scrapes.get(i - 1));
      line.append(String.format(" %.0f ms (%d);", window.quantileMs(0.99), window.count()));
    }
    System.out.println(line);
  }

  /** The latencies of the messages sent between second {@code from} and second {@code to} of the pass. */
  private static Percentiles sentBetween(long[] latencies, long[] sentAfter, int count, int from, int to) {
    long lo = TimeUnit.SECONDS.toNanos(from);
    long hi = TimeUnit.SECONDS.toNanos(to);
    return new Percentiles(java.util.stream.IntStream.range(0, count).filter(i -> sentAfter[i] >= lo && sentAfter[i] < hi)
        .mapToLong(i -> latencies[i]).toArray());
  }

  private static long heapAfterGc(GatewayProcess gateway) throws Exception {
    gateway.fullGc();
    Thread.sleep(300);
    return gateway.metric("jvm_memory_heap_used_bytes");
  }
}
