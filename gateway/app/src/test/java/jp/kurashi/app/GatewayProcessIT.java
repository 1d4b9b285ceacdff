package jp.kurashi.app;

import jp.kurashi.testkit.FreePorts;
import jp.kurashi.testkit.TestPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The packaged gateway.jar, run as a process")
class GatewayProcessIT {

  private static final Path JAR = Path.of(System.getProperty("gateway.jar", "../target/gateway.jar"));

  private static Process launch(Path workDir, Map<String, String> env) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-jar", JAR.toAbsolutePath().toString())
        .directory(workDir.toFile())
        .redirectOutput(workDir.resolve("stdout.log").toFile())
        .redirectError(workDir.resolve("stderr.log").toFile());
    Map<String, String> environment = pb.environment();
    environment.keySet().removeIf(k -> k.startsWith("DATABASE_") || k.startsWith("REDIS_") || k.startsWith("HTTP_"));
    environment.putAll(env);
    return pb.start();
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  private static int health(int port) {
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(3)).build(),
          HttpResponse.BodyHandlers.ofString());
      return r.statusCode();
    } catch (IOException | InterruptedException e) {
      return -1;
    }
  }

  private static void awaitHealthy(Process p, int port, Path workDir) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (health(port) != 200) {
      assertThat(p.isAlive()).as("gateway died: %s", read(workDir.resolve("stderr.log"))).isTrue();
      assertThat(System.nanoTime()).as("gateway not healthy in time").isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  @Test
  @DisplayName("starts on the embedded database, keeps data across restarts, and exits 0 within 10 s of SIGTERM")
  void embeddedDefaultAndSigterm(@TempDir Path workDir) throws Exception {
    int port = FreePorts.next();
    Map<String, String> env = Map.of("HTTP_PORT", String.valueOf(port));

    Process first = launch(workDir, env);
    awaitHealthy(first, port, workDir);
    String stdout = read(workDir.resolve("stdout.log"));
    assertThat(stdout).contains("Password / パスワード:");
    first.destroy(); // SIGTERM
    long t0 = System.nanoTime();
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).as("stopped within 10 s").isTrue();
    assertThat(first.exitValue()).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
    assertThat(workDir.resolve("data/pg/PG_VERSION")).exists();

    Process second = launch(workDir, env);
    try {
      awaitHealthy(second, port, workDir);
      // The admin from the first run is still there, so no new password is printed.
      assertThat(read(workDir.resolve("stdout.log"))).doesNotContain("Password / パスワード:");
    } finally {
      second.destroy();
      assertThat(second.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(second.exitValue()).isZero();
  }

  @Test
  @DisplayName("exits non-zero with one line naming a bad setting, no stack trace")
  void badSetting(@TempDir Path workDir) throws Exception {
    Process p = launch(workDir, Map.of("HTTP_PORT", "abc"));
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).isEqualTo(2);
    String stderr = read(workDir.resolve("stderr.log")).strip();
    assertThat(stderr).isEqualTo("kurashi-gateway: HTTP_PORT must be a whole number from 0 to 65535, got \"abc\"");
    assertThat(read(workDir.resolve("stdout.log"))).doesNotContain("Exception");
  }

  @Test
  @DisplayName("fails to start, and says why, when its port is taken")
  void portTaken(@TempDir Path workDir) throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Map<String, String> env = new HashMap<>();
      env.put("HTTP_PORT", String.valueOf(taken.getLocalPort()));
      env.put("DATABASE_URL", TestPostgres.shared().newDatabaseUrl());
      Process p = launch(workDir, env);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(1);
      assertThat(read(workDir.resolve("stderr.log"))).contains("kurashi-gateway: could not start:");
    }
  }
}
