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

      measure("warm-up", vertx, db, pipeline, producers, 5, 1);
      Result single = measure("pipeline, 1 message per receive", vertx, db, pipeline, producers, seconds, 1);
      Result batched = measure("pipeline, 4 messages per receiveAll", vertx, db, pipeline, producers, seconds, 4);
      db.close().await();
      vertx.close().await();

      double pgbenchSame = pgbench(settings.connect(), dir, "same.sql", PgbenchScripts.ingest(office, CONTACTS), producers, seconds);
      double pgbenchThree = pgbench(settings.connect(), dir, "three.sql", PgbenchScripts.threeStatements(office, CONTACTS),
          producers, seconds);
      // The set-based statement as the group commit sends it: its mean batch, as many statements at once.
      int groupSize = (int) Math.max(1, Math.round(single.perTransaction));
      double pgbenchGroup = groupSize * pgbench(settings.connect(), dir, "group.sql",
          PgbenchScripts.ingestGroup(office, CONTACTS, groupSize), PgbenchScripts.GROUP_COMMIT_IN_FLIGHT, seconds);
      double pgbenchGroupAll = groupSize * pgbench(settings.connect(), dir, "group.sql",
          PgbenchScripts.ingestGroup(office, CONTACTS, groupSize), producers, seconds);

      System.out.println();
      System.out.println("| run | messages/s | messages per transaction | p50 ms | p99 ms | vs pgbench (INGEST) |");
      System.out.println("| --- | ---: | ---: | ---: | ---: | ---: |");
      row(single, pgbenchSame);
      row(batched, pgbenchSame);
      System.out.printf("| pgbench, INGEST, one message per statement, %d clients | %.0f | 1 | | | 100%% |%n", producers,
          pgbenchSame);
      System.out.printf("| pgbench, 3 statements in BEGIN/END, %d clients | %.0f | 1 | | | %.0f%% |%n", producers,
          pgbenchThree, 100 * pgbenchThree / pgbenchSame);
      System.out.printf("| pgbench, INGEST_GROUP, %d messages per statement, %d clients | %.0f | %d | | | %.0f%% |%n",
          groupSize, PgbenchScripts.GROUP_COMMIT_IN_FLIGHT, pgbenchGroup, groupSize, 100 * pgbenchGroup / pgbenchSame);
      System.out.printf("| pgbench, INGEST_GROUP, %d messages per statement, %d clients | %.0f | %d | | | %.0f%% |%n",
          groupSize, producers, pgbenchGroupAll, groupSize, 100 * pgbenchGroupAll / pgbenchSame);
    }
  }

  private static void row(Result r, double pgbench) {
    System.out.printf("| %s | %.0f | %.1f | %.2f | %.2f | %.0f%% |%n", r.name, r.perSecond, r.perTransaction, r.p50Ms,
        r.p99Ms, 100 * r.perSecond / pgbench);
  }

  private record Result(String name, double perSecond, double perTransaction, double p50Ms, double p99Ms) {
  }

  /** Each producer sends its next message (or batch) as soon as the previous one is committed. */
  private static Result measure(String name, Vertx vertx, Database db, InboundPipeline pipeline, int producers,
                                int seconds, int batch) throws InterruptedException {
    long commitsBefore = commits(db);
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
    Result r = new Result(name, committed.get() / elapsed, (double) committed.get() / transactions, p50, p99);
    System.out.printf("%-40s %8.0f messages/s  %.1f per transaction  p50 %.2f ms  p99 %.2f ms%n", name, r.perSecond,
        r.perTransaction, p50, p99);
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

  private static double pgbench(PgConnectOptions db, Path dir, String name, String script, int clients, int seconds)
      throws IOException, InterruptedException {
    Path file = dir.resolve(name);
    Files.writeString(file, script, StandardCharsets.UTF_8);
    ProcessBuilder pb = new ProcessBuilder("pgbench", "-n", "-M", "prepared", "-c", String.valueOf(clients), "-j", "2",
        "-T", String.valueOf(seconds), "-f", file.toString(), "-h", db.getHost(), "-p", String.valueOf(db.getPort()),
        "-U", db.getUser(), db.getDatabase())
        .redirectErrorStream(true);
    // The password goes through the environment, never the command line (visible in ps).
    if (db.getPassword() != null) {
      pb.environment().put("PGPASSWORD", db.getPassword());
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    Matcher m = TPS.matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("pgbench did not report tps:\n" + out);
    }
    double tps = Double.parseDouble(m.group(1));
    System.out.printf("%-40s %8.0f transactions/s%n", "pgbench " + name, tps);
    return tps;
  }
}
