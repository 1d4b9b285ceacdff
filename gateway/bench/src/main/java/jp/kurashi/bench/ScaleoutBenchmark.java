package jp.kurashi.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One gateway instance against two on the same durable PostgreSQL server and Redis (issue 17 item 3): web chat
 * messages and signed LINE webhooks together at a fixed rate, then LINE webhooks from many senders at once for the
 * most the instances commit; ack latency per channel, the CPU each part took, and whether every acknowledged message
 * was stored exactly once.
 *
 * <pre>
 * java -jar bench.jar scaleout [seconds=20] [webchat msg/s=100] [LINE events/s=100] [sockets=1000] [senders=32] [gateway.jar]
 * </pre>
 */
final class ScaleoutBenchmark {

  private static final String TEXT = "仕事が減って家賃が払えません。相談したいです。";

  private ScaleoutBenchmark() {
  }

  /** What one configuration measured. */
  record Result(int instances, Phase fixed, Phase saturated, DeliveryCheck delivery) {
  }

  /** One phase: rates, latencies and who used the CPU (seconds of CPU per second of the phase). */
  record Phase(double webchatPerSecond, double webchatP50, double webchatP99, double linePerSecond, double lineP50,
               double lineP99, double seconds, double gatewayCpu, double databaseCpu, double redisCpu,
               double loadCpu) {

    double cpuTotal() {
      return gatewayCpu + databaseCpu + redisCpu + loadCpu;
    }

    /** The database's part of all the CPU the run used: where the next limit is. */
    double databaseShare() {
      return cpuTotal() == 0 ? 0 : databaseCpu / cpuTotal();
    }

    double eventsPerSecond() {
      return webchatPerSecond + linePerSecond;
    }

    /**
     * Milliseconds of CPU per acknowledged message, all parts and the database alone: the work a message needs,
     * whatever share of a shared machine's cores the run was left (events/s is that share divided by this).
     */
    double cpuMsPerEvent(double cores) {
      return eventsPerSecond() == 0 ? Double.NaN : 1000 * cores / eventsPerSecond();
    }
  }

  static void run(String[] args) throws Exception {
    BenchTarget target = BenchTarget.parse(args);
    int seconds = target.intArg(0, 20);
    int webchatRate = target.intArg(1, 100);
    int lineRate = target.intArg(2, 100);
    int sockets = target.intArg(3, 1_000);
    int senders = target.intArg(4, 32);
    Path jar = Path.of(target.stringArg(5, "gateway/target/gateway.jar"));
    System.out.printf("scale-out benchmark: %d s phases, web chat %d msg/s over %d sockets + LINE %d events/s, then %d"
        + " LINE senders; desk %s; %d cores; load %s%n", seconds, webchatRate, sockets, lineRate, senders,
        target.hours(), Runtime.getRuntime().availableProcessors(), loadAverage());
    Path serverDir = Files.createTempDirectory("kurashi-scaleout-servers");
    List<Result> results = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    int apiPort;
    try (ServerSocket s = new ServerSocket(0)) {
      apiPort = s.getLocalPort();
    }
    try (ScratchServers servers = ScratchServers.start(serverDir);
         LineApiStandIn line = LineApiStandIn.start(vertx, apiPort)) {
      for (int instances : new int[] {1, 2}) {
        String database = servers.newDatabase("scale" + instances);
        results.add(measure(vertx, servers, database, instances, target, jar, apiPort, seconds, webchatRate, lineRate,
            sockets, senders));
      }
    } finally {
      vertx.close().await();
    }
    print(results);
  }

  private static Result measure(Vertx vertx, ScratchServers servers, String database, int instances,
                                BenchTarget target, Path jar, int apiPort, int seconds, int webchatRate,
                                int lineRate, int sockets, int senders) throws Exception {
    List<GatewayProcess> gateways = new ArrayList<>();
    try {
      for (int i = 0; i < instances; i++) {
        Path dir = Files.createTempDirectory("kurashi-scaleout-" + instances + "-" + i);
        Map<String, String> env = new HashMap<>(target.gatewayEnv(dir));
        env.remove("DATABASE_UNSAFE_FAST");
        env.put("DATABASE_URL", database);
        env.put("REDIS_URL", servers.redisUrl());
        env.putAll(Map.of("LINE_CHANNEL_SECRET", LineWebhookBenchmark.SECRET, "LINE_CHANNEL_ACCESS_TOKEN", "bench-token",
            "LINE_API_BASE_URL", "http://127.0.0.1:" + apiPort + "/",
            "LINE_DATA_API_BASE_URL", "http://127.0.0.1:" + apiPort + "/", "LINE_TIMEOUT_SECONDS", "1"));
        gateways.add(GatewayProcess.start(jar, dir, "512m", env));
      }
      PgConnectOptions connect = PgConnectOptions.fromUri(database);
      if (instances == 1) {
        new BenchTarget(target.hours(), database, true, false, List.of()).describe(vertx, connect, true);
      }
      int[] ports = gateways.stream().mapToInt(g -> g.port).toArray();
      Load load = new Load(vertx, ports, sockets);
      load.open("w");
      // Unmeasured: every JIT compiler warms up, in the gateways and in this load generator.
      load.fixedRate("w", webchatRate, lineRate, seconds);
      LineWebhookBenchmark.settle(vertx, connect);
      CpuMeter server = new CpuMeter(servers.postmaster());

      Sample before = Sample.take(gateways, server, servers);
      Load.Rates fixed = load.fixedRate("m", webchatRate, lineRate, seconds);
      Phase fixedPhase = Sample.take(gateways, server, servers).since(before, fixed);
      LineWebhookBenchmark.settle(vertx, connect);

      before = Sample.take(gateways, server, servers);
      Load.Rates saturated = load.lineFlood(senders, seconds);
      Phase saturatedPhase = Sample.take(gateways, server, servers).since(before, saturated);
      LineWebhookBenchmark.settle(vertx, connect);

      DeliveryCheck check = load.check(connect);
      load.close();
      System.out.printf("%d instance(s): fixed rate done, flood %.0f events/s, acked %d, lost %d, duplicated %d; load %s%n",
          instances, saturatedPhase.linePerSecond(), check.acked(), check.lost(), check.duplicated(), loadAverage());
      return new Result(instances, fixedPhase, saturatedPhase, check);
    } finally {
      for (GatewayProcess g : gateways) {
        g.close();
      }
    }
  }

  /** CPU seconds used so far by each part of the run. */
  private record Sample(long nanos, double gateways, double database, double redis, double load) {

    static Sample take(List<GatewayProcess> gateways, CpuMeter database, ScratchServers servers) {
      return new Sample(System.nanoTime(), gateways.stream().mapToDouble(GatewayProcess::cpuSeconds).sum(),
          database.server(), servers.redisCpuSeconds(), CpuMeter.client());
    }

    Phase since(Sample start, Load.Rates rates) {
      double elapsed = (nanos - start.nanos) / 1e9;
      return new Phase(rates.webchatPerSecond(), rates.webchat().ms(50), rates.webchat().ms(99),
          rates.linePerSecond(), rates.line().ms(50), rates.line().ms(99), elapsed,
          (gateways - start.gateways) / elapsed, (database - start.database) / elapsed,
          (redis - start.redis) / elapsed, (load - start.load) / elapsed);
    }
  }

  /**
   * Residents spread over the instances as a load balancer without sticky sessions spreads them: a web chat is
   * started on one instance and its socket opened on the next; webhooks go round-robin.
   */
  private static final class Load {

    private final Vertx vertx;
    private final int[] ports;
    private final int sockets;
    private final WebClient http;
    private final WebSocketClient wsClient;
    private final List<WebSocket> open = new ArrayList<>();
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private final Set<String> acked = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> latencies = new ConcurrentHashMap<>();
    private final AtomicLong lineIds = new AtomicLong();

    Load(Vertx vertx, int[] ports, int sockets) {
      this.vertx = vertx;
      this.ports = ports;
      this.sockets = sockets;
      this.http = WebClient.create(vertx, new WebClientOptions(), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(256));
      this.wsClient = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(2 * sockets + 100));
    }

    /** Rates and latencies of one phase. */
    record Rates(double webchatPerSecond, Percentiles webchat, double linePerSecond, Percentiles line) {
    }

    void open(String prefix) {
      // Consent names the notice's version, as the widget reads it from its config.
      String notice = http.get(ports[0], "127.0.0.1", "/webchat/config").send().await().bodyAsJsonObject()
          .getJsonObject("privacyNotice").getString("version");
      for (int i = 0; i < sockets; i += 100) {
        List<Future<WebSocket>> batch = new ArrayList<>();
        for (int j = i; j < Math.min(sockets, i + 100); j++) {
          int session = ports[j % ports.length];
          int socket = ports[(j + 1) % ports.length];
          batch.add(http.post(session, "127.0.0.1", "/webchat/sessions").send()
              .map(r -> r.bodyAsJsonObject().getString("token"))
              .compose(token -> wsClient.connect(socket, "127.0.0.1", "/webchat/socket?token=" + token))
              .compose(ws -> {
                Future<Void> consented = Future.future(p -> ws.textMessageHandler(text -> {
                  JsonObject frame = new JsonObject(text);
                  switch (frame.getString("type")) {
                    case "consent" -> p.tryComplete();
                    case "ack" -> acknowledged(frame.getString("clientId"));
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
    }

    private void acknowledged(String clientId) {
      Long start = sentAt.remove(clientId);
      if (start != null) {
        latencies.put(clientId, System.nanoTime() - start);
        acked.add("webchat:" + clientId);
      }
    }

    /** Web chat messages and LINE webhooks at the given rates for {@code seconds}. */
    Rates fixedRate(String phase, int webchatRate, int lineRate, int seconds) throws InterruptedException {
      latencies.clear();
      List<Long> line = java.util.Collections.synchronizedList(new ArrayList<>());
      AtomicLong chatSent = new AtomicLong();
      AtomicLong lineSent = new AtomicLong();
      AtomicLong lineDone = new AtomicLong();
      long chatTotal = (long) webchatRate * seconds;
      long lineTotal = (long) lineRate * seconds;
      long start = System.nanoTime();
      long timer = vertx.setPeriodic(1, id -> {
        double elapsed = (System.nanoTime() - start) / 1e9;
        long chatDue = Math.min(chatTotal, (long) (elapsed * webchatRate));
        while (chatSent.get() < chatDue) {
          long n = chatSent.getAndIncrement();
          String clientId = phase + n;
          sentAt.put(clientId, System.nanoTime());
          open.get((int) (n % open.size())).writeTextMessage(new JsonObject().put("type", "message")
              .put("clientId", clientId).put("text", TEXT + "(" + n + ")").encode());
        }
        long lineDue = Math.min(lineTotal, (long) (elapsed * lineRate));
        while (lineSent.get() < lineDue) {
          lineSent.incrementAndGet();
          post().onComplete(ar -> {
            if (ar.succeeded()) {
              line.add(ar.result());
            }
            lineDone.incrementAndGet();
          });
        }
      });
      while (chatSent.get() < chatTotal || lineDone.get() < lineTotal) {
        Thread.sleep(50);
      }
      vertx.cancelTimer(timer);
      long drain = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (latencies.size() < chatTotal && System.nanoTime() < drain) {
        Thread.sleep(50);
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      return new Rates(latencies.size() / elapsed, new Percentiles(latencies.values().stream().mapToLong(Long::longValue).toArray()),
          line.size() / elapsed, new Percentiles(line.stream().mapToLong(Long::longValue).toArray()));
    }

    /** {@code senders} LINE senders at once, each posting its next webhook when the last is answered. */
    Rates lineFlood(int senders, int seconds) {
      ClosedLoop.Result line = ClosedLoop.run(vertx, senders, seconds, this::post);
      return new Rates(0, new Percentiles(new long[0]), line.perSecond(), line.latencies());
    }

    /** One signed webhook with one event, to the next instance in turn. */
    private Future<Long> post() {
      long n = lineIds.incrementAndGet();
      Buffer body = LineWebhookBenchmark.signedBody(n);
      long t0 = System.nanoTime();
      return http.post(ports[(int) (n % ports.length)], "127.0.0.1", "/webhook/line").timeout(30_000)
          .putHeader("X-Line-Signature", LineWebhookBenchmark.sign(body))
          .putHeader("Content-Type", "application/json").sendBuffer(body)
          .compose(r -> {
            if (r.statusCode() != 200) {
              return Future.failedFuture("status " + r.statusCode());
            }
            acked.add("line:bench-" + n);
            return Future.succeededFuture(System.nanoTime() - t0);
          });
    }

    /** Every acknowledged message against the stored inbound rows. */
    DeliveryCheck check(PgConnectOptions connect) {
      Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(connect).using(vertx).build();
      try {
        List<DeliveryCheck.StoredRow> rows = new ArrayList<>();
        for (Row r : pool.query("SELECT channel, external_id, count(*) AS n FROM message WHERE direction = 'in'"
            + " AND external_id IS NOT NULL GROUP BY 1, 2").execute().await()) {
          rows.add(new DeliveryCheck.StoredRow(r.getString("channel"), r.getString("external_id"), r.getLong("n")));
        }
        return DeliveryCheck.of(acked, rows);
      } finally {
        pool.close().await();
      }
    }

    void close() {
      open.forEach(WebSocket::close);
    }
  }

  private static void print(List<Result> results) {
    System.out.println();
    System.out.println("| figure | " + String.join(" | ", results.stream().map(r -> r.instances() + " instance"
        + (r.instances() > 1 ? "s" : "")).toList()) + " |");
    System.out.println("| --- |" + " ---: |".repeat(results.size()));
    row(results, "fixed rate: web chat msg/s acked, p50 / p99 ms", r -> String.format("%.0f, %.1f / %.1f",
        r.fixed().webchatPerSecond(), r.fixed().webchatP50(), r.fixed().webchatP99()));
    row(results, "fixed rate: LINE events/s acked, p50 / p99 ms", r -> String.format("%.0f, %.1f / %.1f",
        r.fixed().linePerSecond(), r.fixed().lineP50(), r.fixed().lineP99()));
    row(results, "fixed rate: CPU (cores) gateways / database / Redis / load generator", r -> cpu(r.fixed()));
    row(results, "fixed rate: database's share of the CPU", r -> String.format("%.0f %%", 100 * r.fixed().databaseShare()));
    row(results, "fixed rate: CPU ms per message, all / database", r -> perEvent(r.fixed()));
    row(results, "LINE flood: events/s committed, p50 / p99 ms", r -> String.format("**%.0f**, %.1f / %.1f",
        r.saturated().linePerSecond(), r.saturated().lineP50(), r.saturated().lineP99()));
    row(results, "LINE flood: CPU (cores) gateways / database / Redis / load generator", r -> cpu(r.saturated()));
    row(results, "LINE flood: database's share of the CPU", r -> String.format("%.0f %%", 100 * r.saturated().databaseShare()));
    row(results, "LINE flood: CPU ms per event, all / database", r -> perEvent(r.saturated()));
    row(results, "acknowledged / stored / lost / stored twice", r -> r.delivery().acked() + " / "
        + r.delivery().stored() + " / " + r.delivery().lost() + " / " + r.delivery().duplicated());
    System.out.println("load average after the run: " + loadAverage());
    double capacity = results.stream().mapToDouble(r -> r.saturated().linePerSecond()).max().orElse(0);
    System.out.println(DeskSizing.FY2023.describe(capacity));
    if (results.stream().anyMatch(r -> !r.delivery().clean())) {
      System.out.println("FAILED: an acknowledged message was lost or stored twice");
      System.exit(1);
    }
  }

  private static String perEvent(Phase p) {
    return String.format("%.2f / %.2f", p.cpuMsPerEvent(p.cpuTotal()), p.cpuMsPerEvent(p.databaseCpu()));
  }

  private static String cpu(Phase p) {
    return String.format("%.2f / %.2f / %.2f / %.2f", p.gatewayCpu(), p.databaseCpu(), p.redisCpu(), p.loadCpu());
  }

  private static void row(List<Result> results, String name, java.util.function.Function<Result, String> cell) {
    System.out.println("| " + name + " | " + String.join(" | ", results.stream().map(cell).toList()) + " |");
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }
}
