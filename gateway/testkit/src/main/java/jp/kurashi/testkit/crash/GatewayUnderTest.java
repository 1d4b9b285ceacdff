package jp.kurashi.testkit.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged gateway.jar as a process on one DATA_DIR and one HTTP port, started again after every
 * SIGKILL. Ports stay the same across restarts, as a desk's do, so clients simply reconnect.
 */
final class GatewayUnderTest implements AutoCloseable {

  private static final Duration START_LIMIT = Duration.ofSeconds(120);
  private final Path jar;
  private final Path workDir;
  private final Map<String, String> env;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  final int port;
  private Process process;
  private int starts;

  GatewayUnderTest(Path jar, Path workDir, int port, int dbPort, Map<String, String> channels) {
    this.jar = jar;
    this.workDir = workDir;
    this.port = port;
    this.env = new HashMap<>(channels);
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("DATA_DIR", dataDir().toString());
    env.put("EMBEDDED_DB_PORT", String.valueOf(dbPort));
    env.put("GATEWAY_ADMIN_PASSWORD", StaffDesk.ADMIN_PASSWORD);
    env.put("LOG_LEVEL", "WARN");
    // Every simulated resident writes from 127.0.0.1: the per-address quotas would stop the run, not a flood.
    env.put("WEBCHAT_SESSIONS_PER_HOUR_PER_ADDRESS", "1000000");
    env.put("WEBCHAT_MESSAGES_PER_MINUTE_PER_ADDRESS", "1000000");
    env.put("WEBCHAT_UPLOADS_PER_HOUR_PER_ADDRESS", "1000000");
  }

  Path dataDir() {
    return workDir.resolve("data");
  }

  /** Starts the jar and waits for {@code /health} 200; the output of every start is appended to gateway.log. */
  void start() throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = workDir.resolve("gateway.log");
    String marker = "---- start " + (++starts) + "\n";
    Files.writeString(log, marker, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    ProcessBuilder pb = new ProcessBuilder(List.of(javaBin, "-Xmx384m", "-jar", jar.toAbsolutePath().toString()))
        .directory(workDir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // Nothing of the caller's own gateway settings may leak into the process under test.
    pb.environment().keySet().removeIf(k -> k.startsWith("DATABASE_") || k.startsWith("REDIS_") || k.startsWith("HTTP_")
        || k.startsWith("LINE_") || k.startsWith("MAIL_") || k.equals("DATA_DIR") || k.startsWith("GATEWAY_"));
    // The crash test counts messages across kills; the start-up warm-up would add its 25 s to every restart (its own
    // kill-and-restart is GatewayProcessIT.killedDuringWarmUp). An operator's env can still set it.
    pb.environment().put("STARTUP_WARMUP_MESSAGES", "0");
    pb.environment().putAll(env);
    process = pb.start();
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    // Health alone could be another process's answer on this port; this start's own output must say it listens.
    while (!saidListening(log, marker) || health() != 200) {
      if (!process.isAlive()) {
        throw new IllegalStateException("gateway exited with " + process.exitValue() + "; see " + log);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("gateway not healthy within " + START_LIMIT + "; see " + log);
      }
      Thread.sleep(100);
    }
  }

  private boolean saidListening(Path log, String marker) throws IOException {
    // Decoded leniently: the process may be half-way through writing a multi-byte character.
    String all = new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    return all.indexOf("is listening on http://localhost:" + port + "/", all.lastIndexOf(marker)) >= 0;
  }

  /** SIGKILL: no shutdown hook, no flush, the embedded PostgreSQL is orphaned as after a power cut of the JVM. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("gateway survived SIGKILL");
    }
  }

  int health() {
    try {
      return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
          .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /** SIGTERM, for the end of the run. */
  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    // A run that ends with the gateway killed leaves its PostgreSQL behind: stop it, it is ours.
    postmasterPid().flatMap(ProcessHandle::of).filter(ProcessHandle::isAlive).ifPresent(ProcessHandle::destroy);
  }

  /** Line 1 of postmaster.pid: the server's pid. */
  java.util.Optional<Long> postmasterPid() {
    try {
      Path file = dataDir().resolve("pg/postmaster.pid");
      return Files.exists(file) ? Files.readAllLines(file).stream().findFirst().map(String::strip).map(Long::parseLong)
          : java.util.Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }
}
