package jp.kurashi.testkit.crash;

import io.vertx.core.Vertx;
import jp.kurashi.testkit.FreePorts;

import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The crash test: web chat sockets, signed LINE webhooks and mail arrive together while a consultant
 * replies; the gateway is SIGKILLed at seeded random moments and started again on the same DATA_DIR;
 * then clients and outbox drain and the database is counted.
 *
 * <pre>{@code
 * CrashReport report = CrashRun.run(CrashSettings.shortForm(jar, dir), System.out::println);
 * assertThat(report.problems()).isEmpty();
 * }</pre>
 */
public final class CrashRun {

  private static final Duration CHECK_EVERY = Duration.ofSeconds(2);

  private CrashRun() {
  }

  /** Runs the whole test; {@code log} gets one line per phase. Blocking: call it from a plain thread. */
  public static CrashReport run(CrashSettings settings, Consumer<String> log) throws Exception {
    Files.createDirectories(settings.workDir());
    long started = System.nanoTime();
    Ledger ledger = new Ledger();
    Vertx vertx = Vertx.vertx();
    int port = FreePorts.next();
    int dbPort = FreePorts.next();
    try (MailResidents mail = new MailResidents(settings.mailResidents(), ledger);
         FakeLineApi line = FakeLineApi.start(vertx, settings.seed() + 3);
         GatewayUnderTest gateway = new GatewayUnderTest(settings.jar(), settings.workDir(), port, dbPort,
             channels(mail, line))) {
      Database db = new Database(gateway.dataDir(), dbPort);
      WebchatResidents chat = new WebchatResidents(vertx, port, settings.chatResidents(), ledger, settings.fault());
      LineResidents lineUsers = new LineResidents(vertx, port, settings.lineResidents(), ledger);
      CrashCheck check = new CrashCheck(db, ledger, line, chat, mail);

      gateway.start();
      log.accept("gateway up on port " + port + " after " + seconds(started) + " s; DATA_DIR " + gateway.dataDir());
      chat.start();
      lineUsers.start();
      AtomicBoolean producing = new AtomicBoolean(true);
      Thread residents = thread("crash-residents", () -> write(settings, producing, chat, lineUsers, mail));
      StaffDesk desk = new StaffDesk(port, db, ledger);
      Thread staff = thread("crash-staff", () -> reply(settings, producing, desk));

      Random kills = new Random(settings.seed());
      for (int k = 1; k <= settings.kills(); k++) {
        Thread.sleep(jitter(kills, settings.between()));
        gateway.kill();
        log.accept("kill " + k + " at " + seconds(started) + " s: acknowledged so far " + ledger.ackedTotal()
            + ", replies queued " + ledger.replies.size() + " of " + ledger.replyAttempts.get() + " tried");
        gateway.start();
        log.accept("restarted at " + seconds(started) + " s");
      }
      Thread.sleep(settings.between().toMillis());
      producing.set(false);
      residents.join();
      staff.join();

      log.accept("reply attempts by outcome: " + ledger.replyOutcomes);
      log.accept("quiet period: clients and outbox drain (at most " + settings.quiet().toSeconds() + " s)");
      long deadline = System.nanoTime() + settings.quiet().toNanos();
      CrashReport report = null;
      while (System.nanoTime() < deadline) {
        report = tryReport(check, settings.kills(), started);
        if (report != null && report.problems().isEmpty() && chat.pending() == 0 && lineUsers.pending() == 0
            && report.outbox().getOrDefault("pending", 0L) == 0) {
          break;
        }
        Thread.sleep(CHECK_EVERY.toMillis());
      }
      report = check.report(settings.kills(), Duration.ofNanos(System.nanoTime() - started));
      chat.stop();
      lineUsers.stop();
      return report;
    } finally {
      vertx.close().await();
    }
  }

  private static CrashReport tryReport(CrashCheck check, int kills, long started) {
    try {
      return check.report(kills, Duration.ofNanos(System.nanoTime() - started));
    } catch (SQLException e) {
      return null;
    }
  }

  /** The gateway's settings for the fakes; short outbox delays so a run drains in seconds, not minutes. */
  private static Map<String, String> channels(MailResidents mail, FakeLineApi line) {
    Map<String, String> env = new HashMap<>(mail.settings());
    env.put("LINE_CHANNEL_SECRET", LineResidents.SECRET);
    env.put("LINE_CHANNEL_ACCESS_TOKEN", "crash-access-token");
    env.put("LINE_API_BASE_URL", line.baseUrl());
    env.put("LINE_DATA_API_BASE_URL", line.baseUrl());
    env.put("LINE_TIMEOUT_SECONDS", "3");
    env.put("OUTBOX_POLL_MS", "500");
    env.put("OUTBOX_INITIAL_DELAY_MS", "500");
    env.put("OUTBOX_MAX_DELAY_MS", "3000");
    env.put("OUTBOX_MAX_ATTEMPTS", "50");
    // A reply claimed when the gateway died waits for its lease (four times the send timeout, 120 s by default; for
    // mail twice the longest SMTP session) before the next gateway takes it: 5 s keeps the quiet period short.
    env.put("OUTBOX_SEND_TIMEOUT_MS", "5000");
    return env;
  }

  /** Residents of all three channels write at the set rate, whether the gateway is up or not. */
  private static void write(CrashSettings settings, AtomicBoolean producing, WebchatResidents chat,
                            LineResidents line, MailResidents mail) {
    Random random = new Random(settings.seed() + 1);
    long interval = Math.max(1, 1000 / settings.messagesPerSecond());
    while (producing.get()) {
      switch (random.nextInt(3)) {
        case 0 -> chat.write(random);
        case 1 -> line.write(random);
        default -> mail.write(random);
      }
      sleep(interval);
    }
  }

  /** A consultant replies about twice a second, to a random open case. */
  private static void reply(CrashSettings settings, AtomicBoolean producing, StaffDesk desk) {
    Random random = new Random(settings.seed() + 2);
    while (producing.get()) {
      desk.replyOnce(random);
      sleep(300 + random.nextInt(400));
    }
  }

  private static long jitter(Random random, Duration mean) {
    return (long) (mean.toMillis() * (0.5 + random.nextDouble()));
  }

  private static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long seconds(long since) {
    return Duration.ofNanos(System.nanoTime() - since).toSeconds();
  }
}
