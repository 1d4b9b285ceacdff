package jp.kurashi.app;

import jp.kurashi.testkit.FreePorts;
import jp.kurashi.testkit.TestPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The packaged gateway.jar, run as a process")
class GatewayProcessIT {

  @Test
  @DisplayName("starts on the embedded database, keeps data across restarts, and exits 0 within 10 s of SIGTERM")
  void embeddedDefaultAndSigterm(@TempDir Path workDir) throws Exception {
    int port = FreePorts.next();
    Map<String, String> env = Map.of("HTTP_PORT", String.valueOf(port));

    Process first = GatewayProcess.launch(workDir, env);
    GatewayProcess.awaitHealthy(first, port, workDir);
    // The first admin's password goes to a 0600 file; the output says only where it is.
    Path passwordFile = workDir.resolve("data/initial-admin-password");
    assertThat(java.nio.file.Files.getPosixFilePermissions(passwordFile))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    String password = GatewayProcess.read(passwordFile).strip();
    assertThat(password).hasSizeGreaterThanOrEqualTo(20);
    String stdout = GatewayProcess.read(workDir.resolve("stdout.log"));
    assertThat(stdout).contains("initial-admin-password").doesNotContain(password);
    assertThat(GatewayProcess.read(workDir.resolve("stderr.log"))).doesNotContain(password);
    first.destroy(); // SIGTERM
    long t0 = System.nanoTime();
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s").isTrue();
    assertThat(first.exitValue()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(workDir.resolve("data/pg/PG_VERSION")).exists();

    Process second = GatewayProcess.launch(workDir, env);
    try {
      GatewayProcess.awaitHealthy(second, port, workDir);
      // The admin from the first run is still there, so no new password is made; the file stays until it is changed.
      assertThat(GatewayProcess.read(workDir.resolve("stdout.log"))).doesNotContain("初回起動");
      assertThat(GatewayProcess.read(passwordFile).strip()).isEqualTo(password);
    } finally {
      second.destroy();
      assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(second.exitValue()).isZero();
  }

  @Test
  @DisplayName("exits non-zero with one line naming a bad setting, no stack trace")
  void badSetting(@TempDir Path workDir) throws Exception {
    Process p = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", "abc"));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).isEqualTo(2);
    String stderr = GatewayProcess.read(workDir.resolve("stderr.log")).strip();
    assertThat(stderr).isEqualTo("kurashi-gateway: HTTP_PORT must be a whole number from 0 to 65535, got \"abc\"");
    assertThat(GatewayProcess.read(workDir.resolve("stdout.log"))).doesNotContain("Exception");
  }

  @Test
  @DisplayName("refuses to start with the admin password the old compose file shipped, without repeating it")
  void knownDefaultAdminPassword(@TempDir Path workDir) throws Exception {
    Process p = GatewayProcess.launch(workDir, Map.of("GATEWAY_ADMIN_PASSWORD", "change-this-password"));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).isEqualTo(2);
    String stderr = GatewayProcess.read(workDir.resolve("stderr.log")).strip();
    assertThat(stderr).startsWith("kurashi-gateway: GATEWAY_ADMIN_PASSWORD is a well-known default password")
        .doesNotContain("change-this-password").doesNotContain("\n");
  }

  @Test
  @DisplayName("fails to start, and says why, when its port is taken")
  void portTaken(@TempDir Path workDir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Map<String, String> env = new HashMap<>();
      env.put("HTTP_PORT", String.valueOf(taken.getLocalPort()));
      env.put("DATABASE_URL", TestPostgres.shared().newDatabaseUrl());
      env.put("DATABASE_UNSAFE_FAST", "true");
      Process p = GatewayProcess.launch(workDir, env);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(1);
      assertThat(GatewayProcess.read(workDir.resolve("stderr.log"))).contains("kurashi-gateway: could not start:");
    }
  }

  @Test
  @DisplayName("killed during its start-up warm-up, starts again within 60 s, stops the scratch server and deletes it")
  void killedDuringWarmUp(@TempDir Path workDir) throws Exception {
    GatewayProcess.seedDataDir(workDir);
    int port = FreePorts.next();
    // The shipped default, named: GatewayProcess turns the warm-up off for the other tests.
    Map<String, String> env = Map.of("HTTP_PORT", String.valueOf(port), "STARTUP_WARMUP_MESSAGES", "3000");
    Path scratch = workDir.resolve("data/" + jp.kurashi.app.warmup.StartupWarmUp.DIRECTORY);
    Path scratchPid = scratch.resolve("pg/postmaster.pid");

    Process first = GatewayProcess.launch(workDir, env);
    awaitScratchServer(first, workDir, scratchPid);
    long orphan = Long.parseLong(GatewayProcess.read(scratchPid).lines().findFirst().orElseThrow().strip());
    first.destroyForcibly(); // SIGKILL: the scratch server, a child process, keeps running
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).as("the scratch server outlives the kill")
        .contains(true);
    assertThat(GatewayProcess.health(port)).isEqualTo(-1);

    // A short warm-up this time: what is tested is that the orphan is stopped and the scratch data deleted before it.
    Process second = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", String.valueOf(port), "STARTUP_WARMUP_MESSAGES", "100"));
    try {
      GatewayProcess.awaitHealthy(second, port, workDir, Duration.ofSeconds(60));
      assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).as("scratch server stopped")
          .isFalse();
      try (var left = java.nio.file.Files.list(scratch)) {
        assertThat(left.map(p -> p.getFileName().toString())).containsExactly("pg-bin");
      }
      assertThat(GatewayProcess.read(workDir.resolve("stderr.log"))).contains("start-up warm-up done");
    } finally {
      GatewayProcess.stop(second);
    }
  }
  @Test
  @DisplayName("SIGTERM during its start-up warm-up: stops both servers it started and exits 0 within seconds")
  void terminatedDuringWarmUp(@TempDir Path workDir) throws Exception {
    GatewayProcess.seedDataDir(workDir);
    int port = FreePorts.next();
    Map<String, String> env = Map.of("HTTP_PORT", String.valueOf(port), "STARTUP_WARMUP_MESSAGES", "3000");
    Path deskPid = workDir.resolve("data/pg/postmaster.pid");
    Path scratchPid = workDir.resolve("data/" + jp.kurashi.app.warmup.StartupWarmUp.DIRECTORY + "/pg/postmaster.pid");

    Process gateway = GatewayProcess.launch(workDir, env);
    awaitScratchServer(gateway, workDir, scratchPid);
    long desk = Long.parseLong(GatewayProcess.read(deskPid).lines().findFirst().orElseThrow().strip());
    long scratch = Long.parseLong(GatewayProcess.read(scratchPid).lines().findFirst().orElseThrow().strip());

    gateway.destroy(); // SIGTERM, as systemd, Docker or Ctrl-C send it
    // Without the handler the JVM exits 143 at once and leaves both servers running.
    assertThat(gateway.waitFor(30, TimeUnit.SECONDS)).as("stopped within 30 s").isTrue();
    assertThat(gateway.exitValue()).as("a stop asked for is a clean stop").isZero();
    assertThat(ProcessHandle.of(scratch).map(ProcessHandle::isAlive).orElse(false)).as("scratch server").isFalse();
    assertThat(ProcessHandle.of(desk).map(ProcessHandle::isAlive).orElse(false)).as("desk's server").isFalse();
    assertThat(GatewayProcess.health(port)).isEqualTo(-1);
    assertThat(GatewayProcess.read(workDir.resolve("stdout.log"))).doesNotContain("is listening");
  }

  /** Waits until the warm-up's scratch server is up (its pid file says "ready"), then a moment for its residents. */
  private static void awaitScratchServer(Process gateway, Path workDir, Path scratchPid) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!java.nio.file.Files.exists(scratchPid) || !GatewayProcess.read(scratchPid).contains("ready")) {
      assertThat(gateway.isAlive()).as("gateway died: %s", GatewayProcess.read(workDir.resolve("stderr.log"))).isTrue();
      assertThat(System.nanoTime()).as("no scratch server within 120 s").isLessThan(deadline);
      Thread.sleep(50);
    }
    Thread.sleep(1500);
  }
}
