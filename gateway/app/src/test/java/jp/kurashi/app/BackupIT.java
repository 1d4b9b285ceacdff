package jp.kurashi.app;

import jp.kurashi.testkit.FreePorts;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Backup and restore of the embedded default through the packaged jar, as a desk's operator runs them. */
@DisplayName("Backup and restore of the packaged gateway's embedded database")
class BackupIT {

  private static final String FIRST_PASSWORD = "first-admin-password";

  private static int login(int port, String password) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/login"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{\"login\":\"admin\",\"password\":\"" + password + "\"}")).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  @DisplayName("backs up while the gateway runs, refuses to restore under it, and restores into a new DATA_DIR")
  void embeddedRoundTrip(@TempDir Path workDir) throws Exception {
    int port = FreePorts.next();
    GatewayProcess.seedPrograms(workDir.resolve("data"));
    GatewayProcess.seedPrograms(workDir.resolve("restored"));
    Process gateway = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", String.valueOf(port),
        "GATEWAY_ADMIN_PASSWORD", FIRST_PASSWORD));
    try {
      GatewayProcess.awaitHealthy(gateway, port, workDir);
      assertThat(login(port, FIRST_PASSWORD)).isEqualTo(200);

      assertThat(GatewayProcess.command(workDir, Map.of(), "backup", "desk.backup"))
          .as(GatewayProcess.read(workDir.resolve("backup.stderr.log"))).isZero();
      assertThat(GatewayProcess.read(workDir.resolve("backup.stdout.log"))).startsWith("backup written to desk.backup");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(workDir.resolve("desk.backup"))))
          .isEqualTo("rw-------");

      assertThat(GatewayProcess.command(workDir, Map.of(), "restore", "desk.backup")).isEqualTo(1);
      assertThat(GatewayProcess.read(workDir.resolve("restore.stderr.log")))
          .contains("in use by another running gateway; stop the gateway first");
      assertThat(GatewayProcess.health(port)).as("the running gateway untouched").isEqualTo(200);
    } finally {
      GatewayProcess.stop(gateway);
    }

    assertThat(GatewayProcess.command(workDir, Map.of("DATA_DIR", "restored"), "restore", "desk.backup"))
        .as(GatewayProcess.read(workDir.resolve("restore.stderr.log"))).isZero();
    Process restored = GatewayProcess.launch(workDir, Map.of("HTTP_PORT", String.valueOf(port), "DATA_DIR", "restored",
        "GATEWAY_ADMIN_PASSWORD", "a-different-password"));
    try {
      GatewayProcess.awaitHealthy(restored, port, workDir);
      assertThat(login(port, FIRST_PASSWORD)).as("the restored admin account").isEqualTo(200);
    } finally {
      GatewayProcess.stop(restored);
    }
  }
}
