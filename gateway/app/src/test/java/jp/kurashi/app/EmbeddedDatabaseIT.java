package jp.kurashi.app;

import jp.kurashi.app.embedded.PostmasterPidFile;
import jp.kurashi.testkit.FreePorts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded default as a desk runs it: durable, private, and back after any crash. */
@DisplayName("The embedded database of the packaged gateway")
class EmbeddedDatabaseIT {

  private static int pgPort(Path workDir) throws Exception {
    return PostmasterPidFile.read(workDir.resolve("data/pg")).orElseThrow().port().orElseThrow();
  }

  private static long pgPid(Path workDir) throws Exception {
    return PostmasterPidFile.read(workDir.resolve("data/pg")).orElseThrow().pid();
  }

  private static Connection connect(Path workDir, String password) throws Exception {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    if (password != null) {
      props.setProperty("password", password);
    }
    props.setProperty("connectTimeout", "5");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + pgPort(workDir) + "/postgres", props);
  }

  private static String password(Path workDir) throws Exception {
    return Files.readString(workDir.resolve("data/pg-password"), StandardCharsets.UTF_8).strip();
  }

  private static String show(Connection c, String setting) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SHOW " + setting)) {
      r.next();
      return r.getString(1);
    }
  }

  private static String perms(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  @DisplayName("runs with fsync, synchronous commit, full-page writes and checksums on, and refuses logins without the password")
  void durableAndPrivate(@TempDir Path workDir) throws Exception {
    int port = FreePorts.next();
    Process gateway = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", String.valueOf(port)));
    try {
      GatewayProcess.awaitHealthy(gateway, port, workDir);
      try (Connection c = connect(workDir, password(workDir))) {
        assertThat(show(c, "fsync")).isEqualTo("on");
        assertThat(show(c, "synchronous_commit")).isEqualTo("on");
        assertThat(show(c, "full_page_writes")).isEqualTo("on");
        assertThat(show(c, "data_checksums")).isEqualTo("on");
        assertThat(show(c, "listen_addresses")).isEqualTo("127.0.0.1");
      }
      assertThatThrownBy(() -> connect(workDir, null).close()).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> connect(workDir, "postgres").close()).isInstanceOf(SQLException.class)
          .hasMessageContaining("password authentication failed");
      assertThat(perms(workDir.resolve("data"))).isEqualTo("rwx------");
      assertThat(perms(workDir.resolve("data/pg"))).isEqualTo("rwx------");
      assertThat(perms(workDir.resolve("data/pg-password"))).isEqualTo("rw-------");
      assertThat(perms(workDir.resolve("data/pg-socket"))).isEqualTo("rwx------");
      assertThat(GatewayProcess.read(workDir.resolve("stderr.log"))).doesNotContain(password(workDir));
    } finally {
      GatewayProcess.stop(gateway);
    }
  }

  @Test
  @DisplayName("after SIGKILL, starts again within 60 s on the same DATA_DIR, stopping the server the dead gateway left")
  void sigkill(@TempDir Path workDir) throws Exception {
    GatewayProcess.seedDataDir(workDir);
    int port = FreePorts.next();
    Map<String, String> env = Map.of("HTTP_PORT", String.valueOf(port));
    Process first = GatewayProcess.launch(workDir, env);
    GatewayProcess.awaitHealthy(first, port, workDir);
    try (Connection c = connect(workDir, password(workDir)); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('まだある')");
    }
    long orphan = pgPid(workDir);

    first.destroyForcibly(); // SIGKILL: no shutdown step runs
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive)).as("the server outlives its gateway").contains(true);

    Process second = GatewayProcess.launch(workDir, env);
    try {
      GatewayProcess.awaitHealthy(second, port, workDir, Duration.ofSeconds(60));
      assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      try (Connection c = connect(workDir, password(workDir)); Statement s = c.createStatement();
           ResultSet r = s.executeQuery("SELECT v FROM kept")) {
        assertThat(r.next()).isTrue();
        assertThat(r.getString(1)).isEqualTo("まだある");
      }
    } finally {
      GatewayProcess.stop(second);
    }
  }

  @Test
  @DisplayName("refuses a second gateway on a DATA_DIR in use, and starts over a stale postmaster.pid")
  void secondGatewayAndStalePidFile(@TempDir Path workDir) throws Exception {
    GatewayProcess.seedDataDir(workDir);
    int port = FreePorts.next();
    Process first = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", String.valueOf(port)));
    GatewayProcess.awaitHealthy(first, port, workDir);
    long server = pgPid(workDir);

    Path other = Files.createDirectories(workDir.resolve("other"));
    Process second = GatewayProcess.launch(other, Map.of("HTTP_PORT", String.valueOf(FreePorts.next()),
        "DATA_DIR", workDir.resolve("data").toString()));
    assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(second.exitValue()).isNotZero();
    assertThat(GatewayProcess.read(other.resolve("stderr.log"))).contains("in use by another running gateway");
    assertThat(ProcessHandle.of(server).map(ProcessHandle::isAlive)).as("the live gateway's server untouched")
        .contains(true);
    assertThat(GatewayProcess.health(port)).isEqualTo(200);
    GatewayProcess.stop(first);

    // A crash can leave postmaster.pid naming a pid now used by an unrelated process (here: this JVM).
    Files.writeString(workDir.resolve("data/pg/postmaster.pid"), ProcessHandle.current().pid() + "\n"
        + workDir.resolve("data/pg") + "\n1\n" + port + "\n", StandardCharsets.UTF_8);
    Process third = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", String.valueOf(port)));
    try {
      GatewayProcess.awaitHealthy(third, port, workDir, Duration.ofSeconds(60));
    } finally {
      GatewayProcess.stop(third);
    }
  }

  @Test
  @DisplayName("turns /health DOWN at once when its server dies, and starts the server again")
  void serverDies(@TempDir Path workDir) throws Exception {
    GatewayProcess.seedDataDir(workDir);
    int port = FreePorts.next();
    Process gateway = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", String.valueOf(port)));
    try {
      GatewayProcess.awaitHealthy(gateway, port, workDir);
      long server = pgPid(workDir);
      // Watch /health from before the kill: the restart takes well under a second, so a single look after
      // the kill could miss the DOWN.
      java.util.concurrent.atomic.AtomicLong firstDown = new java.util.concurrent.atomic.AtomicLong();
      java.util.concurrent.atomic.AtomicBoolean watching = new java.util.concurrent.atomic.AtomicBoolean(true);
      Thread watcher = new Thread(() -> {
        while (watching.get()) {
          if (GatewayProcess.health(port) == 503) {
            firstDown.compareAndSet(0, System.nanoTime());
          }
        }
      });
      watcher.start();
      long killedAt = System.nanoTime();
      ProcessHandle.of(server).orElseThrow().destroyForcibly();
      ProcessHandle.of(server).orElseThrow().onExit().get(10, TimeUnit.SECONDS);
      Thread.sleep(100);
      GatewayProcess.awaitHealthy(gateway, port, workDir, Duration.ofSeconds(60));
      watching.set(false);
      watcher.join();
      assertThat(firstDown.get()).as("/health answered 503 after the kill").isPositive();
      assertThat(Duration.ofNanos(firstDown.get() - killedAt)).isLessThan(Duration.ofSeconds(1));
      assertThat(pgPid(workDir)).isNotEqualTo(server);
      assertThat(GatewayProcess.read(workDir.resolve("stderr.log"))).contains("embedded PostgreSQL restarted");
    } finally {
      GatewayProcess.stop(gateway);
    }
  }

  @Test
  @DisplayName("refuses, with one line, a server configured with fsync off, unless DATABASE_UNSAFE_FAST=true")
  void refusesUnsafeSettings(@TempDir Path workDir) throws Exception {
    GatewayProcess.seedDataDir(workDir);
    int port = FreePorts.next();
    Files.writeString(workDir.resolve("data/pg/postgresql.auto.conf"), "fsync = off\n", StandardCharsets.UTF_8,
        StandardOpenOption.APPEND);

    Process refused = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", String.valueOf(port)));
    assertThat(refused.waitFor(90, TimeUnit.SECONDS)).isTrue();
    assertThat(refused.exitValue()).isEqualTo(2);
    String stderr = GatewayProcess.read(workDir.resolve("stderr.log"));
    assertThat(stderr.lines().filter(l -> l.startsWith("kurashi-gateway:")).toList()).singleElement()
        .asString().contains("fsync=off").contains("DATABASE_UNSAFE_FAST");

    Process unsafe = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", String.valueOf(port),
        "DATABASE_UNSAFE_FAST", "true"));
    try {
      GatewayProcess.awaitHealthy(unsafe, port, workDir, Duration.ofSeconds(60));
    } finally {
      GatewayProcess.stop(unsafe);
    }
  }

  @Test
  @DisplayName("exits 4, saying so, when a stop cannot finish in time (its database frozen), not 0 and not 1")
  void stopThatCannotFinish(@TempDir Path workDir) throws Exception {
    GatewayProcess.seedDataDir(workDir);
    int port = FreePorts.next();
    Process gateway = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", String.valueOf(port),
        "SHUTDOWN_GRACE_SECONDS", "1"));
    long server = -1;
    try {
      GatewayProcess.awaitHealthy(gateway, port, workDir);
      server = pgPid(workDir);
      signal("STOP", server); // frozen: neither the last statements nor a clean stop of the server can finish
      gateway.destroy(); // SIGTERM
      assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).as("exited").isTrue();
      assertThat(gateway.exitValue()).isEqualTo(Main.EXIT_STOP_UNCLEAN);
      assertThat(GatewayProcess.read(workDir.resolve("stderr.log"))).contains("did not stop cleanly in time");
    } finally {
      gateway.destroyForcibly();
      if (server > 0) {
        // What the next start does with a server its gateway left: a fast shutdown.
        signal("CONT", server);
        signal("INT", server);
        ProcessHandle.of(server).ifPresent(h -> h.onExit().orTimeout(30, TimeUnit.SECONDS).join());
      }
    }
  }

  private static void signal(String name, long pid) throws Exception {
    assertThat(new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor()).as("kill -%s", name)
        .isZero();
  }

  @Test
  @DisplayName("sets a new password when the password file is lost, and password-less logins stay refused")
  void lostPasswordFile(@TempDir Path workDir) throws Exception {
    GatewayProcess.seedDataDir(workDir);
    int port = FreePorts.next();
    String old = password(workDir);
    Files.delete(workDir.resolve("data/pg-password"));

    Process second = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", String.valueOf(port)));
    try {
      GatewayProcess.awaitHealthy(second, port, workDir, Duration.ofSeconds(60));
      assertThat(password(workDir)).isNotEqualTo(old);
      assertThatThrownBy(() -> connect(workDir, old).close()).isInstanceOf(SQLException.class);
      connect(workDir, password(workDir)).close();
    } finally {
      GatewayProcess.stop(second);
    }
  }
}
