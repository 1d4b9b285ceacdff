package jp.kurashi.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.pipeline.InboundPipeline;
import io.vertx.pgclient.PgConnectOptions;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.app.embedded.LocalPostgres;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.core.store.PgbenchScripts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Messages committed per second by the inbound pipeline with N concurrent producers on the embedded
 * PostgreSQL, and pgbench running the same SQL against the same server in the same run.
 */
final class InboundBenchmark {

  private static final int CONTACTS = 10_000;
  private static final Pattern TPS = Pattern.compile("tps = ([0-9.]+) \\(without initial connection time\\)");
  private static final Pattern PROCESSED = Pattern.compile("number of transactions actually processed: ([0-9]+)");

  private InboundBenchmark() {
  }

  static void run(String[] args) throws Exception {
    BenchTarget target = BenchTarget.parse(args);
    int seconds = target.intArg(0, 20);
    int producers = target.intArg(1, 64);
    int poolSize = target.intArg(2, 32);
    Path dir = Files.createTempDirectory("kurashi-bench");
    System.out.printf("inbound pipeline benchmark: %d producers, pool %d, %d s per run, %d cores, Java %s%n",
        producers, poolSize, seconds, Runtime.getRuntime().availableProcessors(), Runtime.version());

    try (LocalPostgres pg = target.embedded() ? LocalPostgres.start(dir.resolve("pg"), 0) : null) {
      DatabaseSettings settings = pg != null ? pg.settings(poolSize) : DatabaseSettings.fromUrl(target.database(), poolSize);
      Vertx vertx = Vertx.vertx();
      target.describe(vertx, settings.connect(), false);
      Database db = Database.open(vertx, settings).await();
      long office = new OfficeStore(db.pool()).ensure("default", "bench").await();
      // As the gateway wires it: inbound messages commit on their own pool.
      MessageStore store = new MessageStore(db.pool(), db.inbound(), java.time.Clock.systemUTC());
      InboundPipeline pipeline = new InboundPipeline(office, store, CaseEvents.inProcess(vertx), List.of());

      CpuMeter cpu = CpuMeter.forBackend(db.pool().query("SELECT pg_backend_pid()").execute().await()
          .iterator().next().getInteger(0));
      measure("warm-up", vertx, db, cpu, pipeline, producers, 5, 1);
      Result single = measure("pipeline, 1 message per receive", vertx, db, cpu, pipeline, producers, seconds, 1);
      Result batched = measure("pipeline, 4 messages per receiveAll", vertx, db, cpu, pipeline, producers, seconds, 4);
      db.close().await();
      vertx.close().await();

      Result pgbenchSame = pgbench("pgbench, INGEST, one message per statement, " + producers + " clients",
          settings.connect(), dir, PgbenchScripts.ingest(office, CONTACTS), 1, producers, seconds, cpu);
      Result pgbenchThree = pgbench("pgbench, 3 statements in BEGIN/END, " + producers + " clients",
          settings.connect(), dir, PgbenchScripts.threeStatements(office, CONTACTS), 1, producers, seconds, cpu);
      // The set-based statement as the group commit sends it: its mean batch, as many statements at once.
      int groupSize = (int) Math.max(1, Math.round(single.perTransaction));
      int inFlight = PgbenchScripts.GROUP_COMMIT_IN_FLIGHT;
      Result pgbenchGroup = pgbench("pgbench, INGEST_GROUP, " + groupSize + " messages per statement, " + inFlight
          + " clients", settings.connect(), dir, PgbenchScripts.ingestGroup(office, CONTACTS, groupSize), groupSize,
          inFlight, seconds, cpu);
      Result pgbenchGroupAll = pgbench("pgbench, INGEST_GROUP, " + groupSize + " messages per statement, " + producers
          + " clients", settings.connect(), dir, PgbenchScripts.ingestGroup(office, CONTACTS, groupSize), groupSize,
          producers, seconds, cpu);

      System.out.println();
      System.out.println("| run | messages/s | messages per transaction | p50 ms | p99 ms | vs pgbench (INGEST) "
          + "| CPU ms per message (client + server) |");
      System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
      for (Result r : List.of(single, batched, pgbenchSame, pgbenchThree, pgbenchGroup, pgbenchGroupAll)) {
        row(r, pgbenchSame.perSecond, cpu.serverMeasured());
      }
      if (!cpu.serverMeasured()) {
        System.out.println("(CPU per message: the server is not on this machine, only the client's CPU is counted)");
      }
    }
  }

  private static void row(Result r, double pgbench, boolean serverMeasured) {
    System.out.printf("| %s | %.0f | %.1f | %s | %s | %.0f%% | %.3f |%n", r.name, r.perSecond, r.perTransaction,
        Double.isNaN(r.p50Ms) ? "" : String.format("%.2f", r.p50Ms),
        Double.isNaN(r.p99Ms) ? "" : String.format("%.2f", r.p99Ms), 100 * r.perSecond / pgbench, r.cpuMsPerMessage);
  }

  /**
   * @param cpuMsPerMessage CPU of the benchmark process (with pgbench, once it exited) and the server, per message
   */
  private record Result(String name, double perSecond, double perTransaction, double p50Ms, double p99Ms,
                        double cpuMsPerMessage) {
  }

  /** Each producer sends its next message (or batch) as soon as the previous one is committed. */
  private static Result measure(String name, Vertx vertx, Database db, CpuMeter cpu, InboundPipeline pipeline,
                                int producers, int seconds, int batch) throws InterruptedException {
    long commitsBefore = commits(db);
    double cpuBefore = CpuMeter.client() + cpu.server();
    AtomicLong committed = new AtomicLong();
    List<long[]> latencies = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Future<Void>> done = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      long[] samples = new long[50_000];
      latencies.add(samples);
      int producer = p;
      Promise<Void> finished = Promise.promise();
      done.add(finished.future());
      vertx.runOnContext(v -> loop(pipeline, producer, batch, deadline, committed, samples, new int[1], finished));
    }
    long start = System.nanoTime();
    Future.all(done).await();
    double elapsed = (System.nanoTime() - start) / 1e9;
    long[] all = latencies.stream().flatMapToLong(a -> java.util.Arrays.stream(a).filter(x -> x > 0)).sorted().toArray();
    double p50 = all.length == 0 ? 0 : all[all.length / 2] / 1e6;
    double p99 = all.length == 0 ? 0 : all[(int) (all.length * 0.99)] / 1e6;
    long transactions = Math.max(1, commits(db) - commitsBefore);
    double cpuMs = 1000 * (CpuMeter.client() + cpu.server() - cpuBefore) / Math.max(1, committed.get());
    Result r = new Result(name, committed.get() / elapsed, (double) committed.get() / transactions, p50, p99, cpuMs);
    System.out.printf("%-40s %8.0f messages/s  %.1f per transaction  p50 %.2f ms  p99 %.2f ms  CPU %.3f ms/message%n",
        name, r.perSecond, r.perTransaction, p50, p99, cpuMs);
    return r;
  }

  /** Transactions committed in the database so far (nothing else writes to it during a run). */
  private static long commits(Database db) throws InterruptedException {
    Thread.sleep(1_000); // backends report their counters at most once a second when busy
    return db.pool().query("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()").execute()
        .await().iterator().next().getLong(0);
  }

  private static void loop(InboundPipeline pipeline, int producer, int batch, long deadline, AtomicLong committed,
                           long[] samples, int[] n, Promise<Void> finished) {
    if (System.nanoTime() >= deadline) {
      finished.complete();
      return;
    }
    List<InboundMessage> messages = new ArrayList<>(batch);
    for (int i = 0; i < batch; i++) {
      int contact = ThreadLocalRandom.current().nextInt(1, CONTACTS + 1);
      messages.add(new InboundMessage("webchat", "java-" + producer + "-" + System.nanoTime() + "-" + i,
          "bench-contact-" + contact, null, "家賃が払えず困っています。相談できますか。", Instant.now()));
    }
    long t0 = System.nanoTime();
    Future<?> stored = batch == 1 ? pipeline.receive(messages.get(0)) : pipeline.receiveAll(messages);
    stored.onComplete(ar -> {
      if (ar.failed()) {
        finished.fail(ar.cause());
        return;
      }
      if (n[0] < samples.length) {
        samples[n[0]++] = System.nanoTime() - t0;
      }
      committed.addAndGet(batch);
      loop(pipeline, producer, batch, deadline, committed, samples, n, finished);
    });
  }

  private static Result pgbench(String name, PgConnectOptions db, Path dir, String script, int messagesPerTransaction,
                                int clients, int seconds, CpuMeter cpu) throws IOException, InterruptedException {
    Path file = Files.createTempFile(dir, "pgbench", ".sql");
    Files.writeString(file, script, StandardCharsets.UTF_8);
    ProcessBuilder pb = new ProcessBuilder("pgbench", "-n", "-M", "prepared", "-c", String.valueOf(clients), "-j", "2",
        "-T", String.valueOf(seconds), "-f", file.toString(), "-h", db.getHost(), "-p", String.valueOf(db.getPort()),
        "-U", db.getUser(), db.getDatabase())
        .redirectErrorStream(true);
    // The password goes through the environment, never the command line (visible in ps).
    if (db.getPassword() != null) {
      pb.environment().put("PGPASSWORD", db.getPassword());
    }
    double cpuBefore = CpuMeter.client() + cpu.server();
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Thread.sleep(1_000); // pgbench's backends exit after it: let the server count their time
    double cpuSeconds = CpuMeter.client() + cpu.server() - cpuBefore;
    Matcher m = TPS.matcher(out);
    Matcher n = PROCESSED.matcher(out);
    if (!m.find() || !n.find()) {
      throw new IllegalStateException("pgbench did not report tps:\n" + out);
    }
    double perSecond = messagesPerTransaction * Double.parseDouble(m.group(1));
    double cpuMs = 1000 * cpuSeconds / Math.max(1, messagesPerTransaction * Long.parseLong(n.group(1)));
    System.out.printf("%-40s %8.0f messages/s  CPU %.3f ms/message%n", name, perSecond, cpuMs);
    return new Result(name, perSecond, messagesPerTransaction, Double.NaN, Double.NaN, cpuMs);
  }
}
