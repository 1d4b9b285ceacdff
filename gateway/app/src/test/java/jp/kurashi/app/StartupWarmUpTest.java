package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.app.warmup.StartupWarmUp;
import jp.kurashi.app.warmup.WarmUpResult;
import jp.kurashi.core.config.ConfigSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The start-up warm-up on a scratch gateway")
class StartupWarmUpTest {

  /** A Sunday, 03:00 in Tokyo: the shipped profile's desk is closed, so the warm-up writes at once. */
  private static final Clock SUNDAY_NIGHT = Clock.fixed(Instant.parse("2026-11-28T18:00:00Z"), ZoneOffset.UTC);
  /** No stop is asked for. */
  private static final io.vertx.core.Future<Void> NEVER = io.vertx.core.Promise.<Void>promise().future();

  @Test
  @DisplayName("writes its messages, then leaves nothing in DATA_DIR but the unpacked programs, and nothing in the log")
  void leavesNothing(Vertx vertx, @TempDir Path dataDir) throws Exception {
    GatewayConfig config = config(dataDir, "60");
    // The scratch server's pid, read while it runs: a folder can be deleted under a live server, so its absence
    // afterwards proves nothing.
    Path pidFile = dataDir.resolve(StartupWarmUp.DIRECTORY).resolve("pg/postmaster.pid");
    java.util.Set<Long> servers = java.util.concurrent.ConcurrentHashMap.newKeySet();
    long watch = vertx.setPeriodic(20, id -> scratchServer(pidFile).ifPresent(servers::add));
    List<String> lines;
    WarmUpResult result;
    try (ProductionLogs logs = ProductionLogs.capture()) {
      result = StartupWarmUp.run(vertx, config, SUNDAY_NIGHT, NEVER).await(3, TimeUnit.MINUTES);
      lines = logs.lines();
    } finally {
      vertx.cancelTimer(watch);
    }

    assertThat(result.acknowledged()).isEqualTo(60);
    assertThat(servers).as("the scratch server was seen running").hasSize(1);
    assertThat(ProcessHandle.of(servers.iterator().next()).map(ProcessHandle::isAlive).orElse(false))
        .as("the scratch server is stopped").isFalse();
    assertOnlyProgramsLeft(dataDir);
    // The desk's own files are not made by the warm-up: no cluster, no first administrator's password.
    assertThat(dataDir.resolve("pg")).doesNotExist();
    assertThat(dataDir.resolve("initial-admin-password")).doesNotExist();
    // Its crises, cases and notices are not the desk's: an alert on "crisis found" must not fire for them.
    assertThat(lines).noneMatch(l -> l.contains("crisis found") || l.contains("message triaged")
        || l.contains("inbound message stored") || l.contains("Pool closed"));
    assertThat(lines).anyMatch(l -> l.contains("start-up warm-up done") && l.contains("messages=\"60\""));
  }

  @Test
  @DisplayName("ends at its time limit, even one shorter than the scratch gateway's start, and still leaves nothing")
  void timeLimit(Vertx vertx, @TempDir Path dataDir) throws Exception {
    GatewayConfig config = GatewayConfig.load(ConfigSource.only(Map.of("DATA_DIR", dataDir.toString(),
        "STARTUP_WARMUP_MESSAGES", "100000", "STARTUP_WARMUP_SECONDS", "5")));
    long began = System.nanoTime();

    WarmUpResult result = StartupWarmUp.run(vertx, config, SUNDAY_NIGHT, NEVER).await(2, TimeUnit.MINUTES);

    // The 5 s limit (writing stops at 4 s, usually before the scratch gateway is even up), its 20 s stop budget and
    // the clean-up bound it, with room for a loaded CI machine; writing 100,000 messages would take minutes.
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - began)).isLessThan(java.time.Duration.ofSeconds(45));
    assertThat(result.acknowledged()).isLessThan(100_000);
    assertOnlyProgramsLeft(dataDir);
  }

  @Test
  @DisplayName("a stop asked for while its residents write ends it within seconds, and it still leaves nothing")
  void stopRequested(Vertx vertx, @TempDir Path dataDir) throws Exception {
    GatewayConfig config = GatewayConfig.load(ConfigSource.only(Map.of("DATA_DIR", dataDir.toString(),
        "STARTUP_WARMUP_MESSAGES", "100000", "STARTUP_WARMUP_SECONDS", "120")));
    Path pidFile = dataDir.resolve(StartupWarmUp.DIRECTORY).resolve("pg/postmaster.pid");
    io.vertx.core.Promise<Void> stop = io.vertx.core.Promise.promise();
    io.vertx.core.Future<WarmUpResult> running = StartupWarmUp.run(vertx, config, SUNDAY_NIGHT, stop.future());
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (scratchServer(pidFile).isEmpty()) {
      assertThat(System.nanoTime()).as("no scratch server within 2 min").isLessThan(deadline);
      Thread.sleep(20);
    }
    Thread.sleep(4_000); // its gateway starts on the server, then residents write
    long asked = System.nanoTime();

    stop.complete();
    WarmUpResult result = running.await(2, TimeUnit.MINUTES);

    // Without the stop it would write for 96 s; stopping the scratch gateway and its server takes a few.
    assertThat(java.time.Duration.ofNanos(System.nanoTime() - asked)).isLessThan(java.time.Duration.ofSeconds(20));
    assertThat(result.acknowledged()).isLessThan(100_000);
    assertOnlyProgramsLeft(dataDir);
  }

  @Test
  @DisplayName("off, it only clears what a warm-up killed half-way left behind")
  void offClearsLeftovers(Vertx vertx, @TempDir Path dataDir) throws Exception {
    Path scratch = dataDir.resolve(StartupWarmUp.DIRECTORY);
    Files.createDirectories(scratch.resolve("pg/base"));
    Files.writeString(scratch.resolve("instance-id"), "killed");

    WarmUpResult result = StartupWarmUp.run(vertx, config(dataDir, "0"), SUNDAY_NIGHT, NEVER).await(1, TimeUnit.MINUTES);

    assertThat(result).isEqualTo(WarmUpResult.NONE);
    try (var left = Files.list(scratch)) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  @DisplayName("a warm-up that cannot run is logged and skipped: the desk still starts")
  void failureIsNotFatal(Vertx vertx, @TempDir Path dataDir) throws Exception {
    // A file where the scratch gateway's folder should be: its database cannot be made.
    Files.writeString(dataDir.resolve(StartupWarmUp.DIRECTORY), "in the way");
    List<String> lines;
    WarmUpResult result;
    try (ProductionLogs logs = ProductionLogs.capture()) {
      result = StartupWarmUp.run(vertx, config(dataDir, "60"), SUNDAY_NIGHT, NEVER).await(2, TimeUnit.MINUTES);
      lines = logs.lines();
    }

    assertThat(result).isEqualTo(WarmUpResult.NONE);
    assertThat(lines).anyMatch(l -> l.contains("start-up warm-up failed; starting without it"));
  }

  /** The scratch folder holds the unpacked server programs only: no cluster, no settings, no password. */
  private static void assertOnlyProgramsLeft(Path dataDir) throws java.io.IOException {
    try (var left = Files.list(dataDir.resolve(StartupWarmUp.DIRECTORY))) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("pg-bin");
    }
  }

  /** The pid in a postmaster.pid that says the server is ready, if there is one. */
  private static java.util.Optional<Long> scratchServer(Path pidFile) {
    try {
      List<String> lines = Files.readAllLines(pidFile);
      return lines.size() >= 8 && lines.get(7).strip().equals("ready")
          ? java.util.Optional.of(Long.parseLong(lines.get(0).strip())) : java.util.Optional.empty();
    } catch (java.io.IOException | RuntimeException e) {
      return java.util.Optional.empty();
    }
  }

  private static GatewayConfig config(Path dataDir, String messages) {
    Map<String, String> env = new HashMap<>();
    env.put("DATA_DIR", dataDir.toString());
    env.put("STARTUP_WARMUP_MESSAGES", messages);
    env.put("STARTUP_WARMUP_SECONDS", "120");
    return GatewayConfig.load(ConfigSource.only(env));
  }
}
