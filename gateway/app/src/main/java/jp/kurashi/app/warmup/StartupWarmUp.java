package jp.kurashi.app.warmup;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import jp.kurashi.app.Gateway;
import jp.kurashi.app.GatewayConfig;
import jp.kurashi.app.embedded.PrivateFiles;
import jp.kurashi.core.channel.ChannelSetup;
import jp.kurashi.core.channel.Channels;
import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.office.OfficeHours;
import jp.kurashi.core.triage.TriageCorpus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the web chat message path on a scratch gateway in this JVM while the real one starts (after its database is
 * open, before anything else of it runs or listens), so the JIT compiler has compiled it before the first resident
 * writes.
 *
 * <p>A cold JVM answers its first 5–20 s of load several times slower (docs/BENCHMARKS.md: 100–370 ms p99 against
 * 13–19 ms warm, on two cores), and it is the JVM's warm-up, not the database's. The scratch gateway is this desk's
 * own code and office profile with only web chat switched on, its own embedded database in {@code DATA_DIR/warmup},
 * loopback on a free port, no Redis, and a clock set to a moment the desk is closed (the out-of-hours path runs every
 * step the in-hours one does, and the notice too). Residents on loopback write shipped corpus texts to it; then it is
 * stopped and its database deleted. Nothing reaches the desk's database, its other channels or another instance, and
 * a warm-up that fails or runs out of time only costs the warm-up: the desk still starts.
 */
public final class StartupWarmUp {

  private static final Logger LOG = LoggerFactory.getLogger(StartupWarmUp.class);
  /** Under {@code DATA_DIR}; a fixed place, so a warm-up killed half-way is found and its server stopped next time. */
  public static final String DIRECTORY = "warmup";
  /** A few messages per resident, as residents write: most of the warm-up's cases are new, as a night's are. */
  private static final int MESSAGES_PER_RESIDENT = 3;
  /** Residents writing at once: enough to fill the group commit's batches as a busy minute does. */
  private static final int RESIDENTS_AT_ONCE = 32;
  /**
   * Of the warm-up's time, the part residents write in. Triage and the notices fall behind the acknowledgements on a
   * cold JVM; they run on in the rest, and what still waits then goes with the scratch gateway.
   */
  private static final double WRITING_SHARE = 0.8;
  /**
   * Beyond the limit, for the scratch gateway and its server to stop; past it the warm-up is abandoned (its sockets
   * closed, its folder left for the next start to clear) and the start goes on whatever hangs.
   */
  private static final Duration STOP_BUDGET = Duration.ofSeconds(20);
  /** The scratch gateway's own quotas: every resident of the warm-up comes from 127.0.0.1. */
  private static final Map<String, String> UNLIMITED = Map.of(
      "WEBCHAT_SESSIONS_PER_HOUR_PER_ADDRESS", "1000000",
      "WEBCHAT_MESSAGES_PER_MINUTE_PER_ADDRESS", "1000000",
      "WEBCHAT_UPLOADS_PER_HOUR_PER_ADDRESS", "1000000");
  /** How far ahead a closed moment is looked for; a desk open round the clock warms its in-hours path instead. */
  private static final Duration CLOSED_SEARCH = Duration.ofDays(14);
  private static final int LONGEST_TEXT = 2_000;

  /**
   * What the scratch gateway needs: the texts its residents write, and its settings (its administrator's password is
   * random, never shown or kept, and goes with its database).
   */
  private record Scratch(List<String> texts, GatewayConfig config) {
  }

  private final Vertx vertx;
  private final GatewayConfig config;
  private final Clock clock;
  private final ScratchFolder folder;
  /** The operator's stop during the start: the residents stop writing and nothing waits for triage to settle. */
  private final Future<Void> stopRequested;
  /** The residents once they write: abandoning the warm-up closes their sockets. */
  private volatile LoopbackResidents residents;

  private StartupWarmUp(Vertx vertx, GatewayConfig config, Clock clock, Future<Void> stopRequested) {
    this.vertx = vertx;
    this.config = config;
    this.clock = clock;
    this.stopRequested = stopRequested;
    this.folder = new ScratchFolder(config.dataDir().resolve(DIRECTORY));
  }

  /**
   * Warms up as {@code config.warmUp()} says, or only clears what a killed warm-up left when it is off. Never fails,
   * and completes within the limit plus {@link #STOP_BUDGET}: whatever goes wrong is logged (without any text) and the
   * start goes on. Completes with what was written ({@link WarmUpResult#NONE} when off or failed). Once
   * {@code stopRequested} completes, the warm-up ends as soon as its scratch gateway has stopped.
   */
  public static Future<WarmUpResult> run(Vertx vertx, GatewayConfig config, Clock clock, Future<Void> stopRequested) {
    StartupWarmUp warmUp = new StartupWarmUp(vertx, config, clock, stopRequested);
    if (!config.warmUp().on() || stopRequested.isComplete()) {
      return warmUp.clear().recover(StartupWarmUp::failed).map(WarmUpResult.NONE);
    }
    long began = System.nanoTime();
    LOG.atInfo().addKeyValue("messages", config.warmUp().messages())
        .addKeyValue("seconds", config.warmUp().limit().toSeconds())
        .log("start-up warm-up: a scratch gateway runs the message path; its log lines are held at ERROR until done");
    return warmUp.clear().compose(x -> {
      QuietLogs quiet = QuietLogs.start();
      return warmUp.warmUp(began)
          .timeout(config.warmUp().limit().plus(STOP_BUDGET).toMillis(), TimeUnit.MILLISECONDS)
          .andThen(done -> quiet.close());
    }).compose(written -> {
      LOG.atInfo().addKeyValue("messages", written.acknowledged()).addKeyValue("pushed", written.pushed())
          .addKeyValue("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began))
          .log("start-up warm-up done");
      return warmUp.clear().recover(StartupWarmUp::failed).map(written);
    }, err -> {
      if (err instanceof java.util.concurrent.TimeoutException) {
        // Something hangs: close what can be closed and leave the folder to the next start.
        warmUp.abandon();
        return failed(err).map(WarmUpResult.NONE);
      }
      return failed(err).compose(v -> warmUp.clear()).recover(StartupWarmUp::failed).map(WarmUpResult.NONE);
    });
  }

  private static Future<Void> failed(Throwable err) {
    LOG.atWarn().addKeyValue("error", err.getClass().getSimpleName()).addKeyValue("reason", err.getMessage())
        .log("start-up warm-up failed; starting without it");
    return Future.succeededFuture();
  }

  /** The scratch gateway started, written to until done or out of time, settled and stopped. */
  private Future<WarmUpResult> warmUp(long began) {
    WarmUpSettings settings = config.warmUp();
    // The corpus is parsed and the channel plug-ins looked up on a worker thread, not on the start's event loop.
    return vertx.executeBlocking(() -> new Scratch(texts(),
        config.scratch(folder.path(), PrivateFiles.randomSecret(), webchat())), false).compose(scratch -> {
      Clock closed = closedClock(clock, config.office().hours());
      PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
      return Gateway.start(vertx, scratch.config(), nowhere, closed).compose(gateway -> {
        LoopbackResidents writing = new LoopbackResidents(vertx, gateway.httpPort(), scratch.texts());
        residents = writing;
        long writingMillis = (long) (settings.limit().toMillis() * WRITING_SHARE)
            - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
        long timer = vertx.setTimer(Math.max(1, writingMillis), id -> writing.stop());
        stopRequested.onComplete(x -> writing.stop());
        return writing.write(settings.messages(), MESSAGES_PER_RESIDENT, RESIDENTS_AT_ONCE)
            .compose(written -> settled(gateway, began).map(written))
            .eventually(() -> {
              vertx.cancelTimer(timer);
              return writing.close().transform(x -> gateway.stop());
            });
      });
    });
  }

  /** Closes the residents' sockets, so whatever waits on them fails and the scratch gateway's stop can follow. */
  private void abandon() {
    LoopbackResidents writing = residents;
    if (writing != null) {
      writing.abort();
    }
  }

  /**
   * The shipped corpus texts the residents write, the longest left out (a long mail is not a chat message). Makes
   * {@code DATA_DIR} private first: the scratch folder inside it must not be what creates it.
   */
  private List<String> texts() throws java.io.IOException {
    PrivateFiles.privateDirectory(config.dataDir());
    return TriageCorpus.sampleTexts(Math.min(config.warmUp().messages(), 8_000)).stream()
        .filter(t -> t.length() <= LONGEST_TEXT).toList();
  }

  /** Lets triage and the notices of the acknowledged messages run until they are done or the warm-up's time is up. */
  private Future<Void> settled(Gateway gateway, long began) {
    long left = config.warmUp().limit().toNanos() - (System.nanoTime() - began);
    if (gateway.pipeline().afterCommitQueue().idle() || left <= 0 || stopRequested.isComplete()) {
      return Future.succeededFuture();
    }
    return vertx.timer(50).compose(x -> settled(gateway, began));
  }

  /** {@code clock} moved to the desk's next closed half hour, or left as it is for a desk that never closes. */
  static Clock closedClock(Clock clock, OfficeHours hours) {
    Instant now = clock.instant();
    for (Duration ahead = Duration.ZERO; ahead.compareTo(CLOSED_SEARCH) <= 0; ahead = ahead.plusMinutes(30)) {
      if (!hours.isOpen(now.plus(ahead))) {
        return Clock.offset(clock, ahead);
      }
    }
    return clock;
  }

  private static ChannelSetup webchat() {
    return Channels.installed().stream().filter(c -> c.name().equals("webchat")).findFirst()
        .flatMap(c -> c.configure(ConfigSource.only(UNLIMITED)))
        .orElseThrow(() -> new IllegalStateException("the web chat channel is not installed"));
  }

  /** Empties the scratch folder (a server a killed warm-up left running is stopped first), on a worker thread. */
  private Future<Void> clear() {
    return vertx.executeBlocking(() -> {
      folder.clear();
      return null;
    }, false);
  }
}
