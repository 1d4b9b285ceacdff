package jp.kurashi.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged gateway.jar run as a separate process in a work folder, as an operator runs it. */
final class GatewayProcess {

  static final Path JAR = Path.of(System.getProperty("gateway.jar", "../target/gateway.jar"));

  /** A DATA_DIR as a first start and a clean stop leave it; made once per test JVM by {@link #seedDataDir}. */
  private static Path seed;

  /** Each launched gateway's work folder, so a failed stop can show what the gateway logged. */
  private static final Map<Process, List<Path>> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

  private GatewayProcess() {
  }

  /**
   * Gives {@code workDir} the {@code data} folder a first start of the embedded default leaves (the unpacked programs, a
   * cluster at this version's schema, its password, the first admin), copied from one made once per test JVM. A first
   * start spends about 15 s unpacking, running initdb and migrating; tests of restarts, kills and settings do not test
   * that, and tests of the first start itself start from an empty folder.
   */
  static void seedDataDir(Path workDir) throws Exception {
    Process copy = new ProcessBuilder("cp", "-a", seed().toString(), workDir.resolve("data").toString())
        .redirectErrorStream(true).start();
    String output = new String(copy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(copy.waitFor()).as("copying the seed DATA_DIR: %s", output).isZero();
  }

  /**
   * Gives {@code dataDir} the embedded server's programs, hard links to a copy this test JVM unpacked: a test of a first
   * start that is not about unpacking (a backup, crashes) skips the seconds of xz each new DATA_DIR costs the gateway.
   */
  static void seedPrograms(Path dataDir) throws IOException {
    jp.kurashi.app.embedded.PostgresBinaries.unpack(
        jp.kurashi.app.embedded.PrivateFiles.privateDirectory(dataDir).resolve("pg-bin"));
  }

  private static synchronized Path seed() throws Exception {
    if (seed == null) {
      Path dir = Files.createTempDirectory("kurashi-seed-");
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          jp.kurashi.app.embedded.PrivateFiles.deleteTree(dir);
        } catch (IOException e) {
          // A temp folder left behind is not worth failing a finished run for.
        }
      }));
      int port = jp.kurashi.testkit.FreePorts.next();
      Process first = launch(dir, Map.of("HTTP_PORT", String.valueOf(port)));
      awaitHealthy(first, port, dir);
      stop(first);
      seed = dir.resolve("data");
    }
    return seed;
  }


  /** Starts the jar in {@code workDir} with only these DATABASE_, REDIS_ and HTTP_ settings; output goes to files there. */
  static Process launch(Path workDir, Map<String, String> env) throws IOException {
    return launch(workDir, env, "", List.of());
  }

  /**
   * Runs a command of the jar ({@code backup FILE}, ...) in {@code workDir} with the same settings rules;
   * its output goes to {@code <command>.stdout.log} and {@code <command>.stderr.log} there. Returns the exit status.
   */
  static int command(Path workDir, Map<String, String> env, String... args) throws Exception {
    Process p = launch(workDir, env, args[0] + ".", List.of(args));
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("%s finished", args[0]).isTrue();
    return p.exitValue();
  }

  private static Process launch(Path workDir, Map<String, String> env, String logPrefix, List<String> args)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-jar",
        JAR.toAbsolutePath().toString()));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectOutput(workDir.resolve(logPrefix + "stdout.log").toFile())
        .redirectError(workDir.resolve(logPrefix + "stderr.log").toFile());
    Map<String, String> environment = pb.environment();
    environment.keySet().removeIf(k -> k.startsWith("DATABASE_") || k.startsWith("REDIS_") || k.startsWith("HTTP_")
        || k.startsWith("DATA_DIR") || k.startsWith("LINE_") || k.startsWith("MAIL_"));
    // These tests start, stop, kill and restore gateways; the start-up warm-up would only add its 25 s to each start.
    // GatewayProcessIT.killedDuringWarmUp runs it as shipped.
    environment.put("STARTUP_WARMUP_MESSAGES", "0");
    environment.putAll(env);
    Process p = pb.start();
    LOGS.put(p, List.of(workDir.resolve(logPrefix + "stdout.log"), workDir.resolve(logPrefix + "stderr.log")));
    return p;
  }

  static String read(Path file) throws IOException {
    // Decoded leniently: a running process may be half-way through writing a multi-byte character.
    return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "";
  }

  /** The status of {@code GET /health}, or -1 when nothing answers. */
  static int health(int port) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  /**
   * Waits until {@code /health} answers 200 and the launched process has said it listens on {@code port};
   * fails when the process dies or {@code limit} passes. The second condition keeps another process on the
   * same port (another test fork's gateway) from passing for this one.
   */
  static void awaitHealthy(Process p, int port, Path workDir, Duration limit) throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    String listening = "is listening on http://localhost:" + port + "/";
    while (!read(workDir.resolve("stdout.log")).contains(listening) || health(port) != 200) {
      assertThat(p.isAlive()).as("gateway died: %s", read(workDir.resolve("stderr.log"))).isTrue();
      assertThat(System.nanoTime()).as("gateway not healthy within %s: %s", limit, read(workDir.resolve("stderr.log")))
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  static void awaitHealthy(Process p, int port, Path workDir) throws Exception {
    awaitHealthy(p, port, workDir, Duration.ofSeconds(120));
  }

  /** Stops with SIGTERM and checks the clean exit. */
  static void stop(Process p) throws Exception {
    p.destroy();
    List<Path> logs = LOGS.remove(p);
    assertThat(p.waitFor(15, TimeUnit.SECONDS)).as("stopped after SIGTERM: %s", tail(logs)).isTrue();
    assertThat(p.exitValue()).as("exit status after SIGTERM: %s", tail(logs)).isZero();
  }

  /** The last lines the gateway wrote, for a failure message. */
  private static String tail(List<Path> logs) throws IOException {
    StringBuilder out = new StringBuilder();
    for (Path log : logs == null ? List.<Path>of() : logs) {
      List<String> lines = read(log).lines().toList();
      out.append('\n').append(log.getFileName()).append(":\n")
          .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
    }
    return out.toString();
  }
}
