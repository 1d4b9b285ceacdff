package jp.kurashi.app;

import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.config.ConfigException;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("Gateway settings")
class GatewayConfigTest {

  private static GatewayConfig load(Map<String, String> env) {
    return GatewayConfig.load(ConfigSource.of(env));
  }

  @Test
  @DisplayName("keep cases 5 years after closing and the audit log 10 years unless told otherwise; each channel its own")
  void retention() {
    assertThat(load(Map.of()).retention()).extracting("caseYears", "auditYears").containsExactly(5, 10);
    assertThat(load(Map.of("RETENTION_YEARS", "7")).retention()).extracting("caseYears", "auditYears")
        .containsExactly(7, 14);
    assertThat(load(Map.of()).channelRetention()).as("switched on or not").containsOnlyKeys("webchat", "mail");
    assertThatThrownBy(() -> load(Map.of("RETENTION_YEARS", "0")))
        .hasMessage("RETENTION_YEARS must be a whole number from 1 to 100, got \"0\"");
    assertThatThrownBy(() -> load(Map.of("MAIL_RAW_KEEP_DAYS", "3651"))).hasMessageStartingWith("MAIL_RAW_KEEP_DAYS");
    assertThatThrownBy(() -> load(Map.of("RETENTION_YEARS", "10", "AUDIT_RETENTION_YEARS", "10")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("AUDIT_RETENTION_YEARS (10) must be more than RETENTION_YEARS (10)");
  }

  @Test
  @DisplayName("default to the embedded database, the in-process bus and port 8080")
  void defaults() {
    GatewayConfig config = load(Map.of());
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.database()).isEmpty();
    assertThat(config.redisUrl()).isEmpty();
    assertThat(config.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(config.office().name().in("ja")).isEqualTo("くらしのサポートコーナー");
    assertThat(config.triageWarmUpMessages()).isEqualTo(1);
  }

  @Test
  @DisplayName("name the setting when a number is not a number")
  void badPort() {
    assertThatThrownBy(() -> load(Map.of("HTTP_PORT", "abc")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("HTTP_PORT must be a whole number from 0 to 65535, got \"abc\"");
  }

  @Test
  @DisplayName("never repeat a database URL, which holds a password, in an error")
  void badDatabaseUrlHidden() {
    assertThatThrownBy(() -> load(Map.of("DATABASE_URL", "mysql://root:hunter2@db/x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("DATABASE_URL")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  @DisplayName("refuse a well-known default admin password (the old compose file's among them) without repeating it")
  void knownDefaultAdminPassword() {
    for (String known : java.util.List.of("change-this-password", "changeme-changeme", "Password2026!", "administrator1",
        "123456789012")) {
      assertThatThrownBy(() -> load(Map.of("GATEWAY_ADMIN_PASSWORD", known)))
          .as(known)
          .isInstanceOf(ConfigException.class)
          .hasMessageStartingWith("GATEWAY_ADMIN_PASSWORD")
          .hasMessageNotContaining(known);
    }
    assertThat(load(Map.of("GATEWAY_ADMIN_PASSWORD", "correct-horse-battery")).adminPassword()).isPresent();
  }

  @Test
  @DisplayName("read REQUIRE_TOTP_ROLES as roles, refusing an unknown one")
  void requireTotpRoles() {
    assertThat(load(Map.of()).console().requireTotpRoles()).isEmpty();
    assertThat(load(Map.of("REQUIRE_TOTP_ROLES", "chief, Admin")).console().requireTotpRoles())
        .containsExactlyInAnyOrder(jp.kurashi.core.domain.Role.CHIEF, jp.kurashi.core.domain.Role.ADMIN);
    assertThatThrownBy(() -> load(Map.of("REQUIRE_TOTP_ROLES", "chief,boss")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("REQUIRE_TOTP_ROLES")
        .hasMessageContaining("boss");
  }

  @Test
  @DisplayName("refuse a Redis URL of another scheme and a short admin password")
  void otherRefusals() {
    assertThatThrownBy(() -> load(Map.of("REDIS_URL", "localhost:6379"))).hasMessageStartingWith("REDIS_URL");
    assertThatThrownBy(() -> load(Map.of("GATEWAY_ADMIN_PASSWORD", "short"))).hasMessageStartingWith("GATEWAY_ADMIN_PASSWORD");
    assertThatThrownBy(() -> load(Map.of("COOKIE_SECURE", "sometimes"))).hasMessageStartingWith("COOKIE_SECURE");
    assertThatThrownBy(() -> load(Map.of("TRIAGE_WARMUP_MESSAGES", "0"))).hasMessageStartingWith("TRIAGE_WARMUP_MESSAGES");
    assertThatThrownBy(() -> load(Map.of("OUTBOX_INITIAL_DELAY_MS", "5000", "OUTBOX_MAX_DELAY_MS", "10")))
        .hasMessageStartingWith("OUTBOX_MAX_DELAY_MS");
  }

  @Test
  @DisplayName("switch on only the installed channels whose settings ask for it, each read by its own plug-in")
  void channels() {
    assertThat(load(Map.of()).channels()).extracting(c -> c.name())
        .containsExactlyElementsOf(jp.kurashi.core.channel.Channels.installed().stream()
            .filter(c -> c.configure(ConfigSource.of(Map.of())).isPresent()).map(c -> c.name()).toList());
  }

  @Test
  @DisplayName("name the field of a broken office profile")
  void badProfile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("office.json");
    String good = new String(GatewayConfigTest.class.getResourceAsStream("/office-profile.json").readAllBytes(),
        StandardCharsets.UTF_8);
    Files.writeString(file, good.replace("\"09:00-17:30\"", "\"9時から\""), StandardCharsets.UTF_8);
    assertThatThrownBy(() -> load(Map.of("OFFICE_PROFILE_FILE", file.toString())))
        .hasMessageStartingWith("OFFICE_PROFILE_FILE: hours.weekly.");
    Files.writeString(file, "{ not json", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> load(Map.of("OFFICE_PROFILE_FILE", file.toString())))
        .hasMessageStartingWith("OFFICE_PROFILE_FILE is not valid JSON");
  }

  @Test
  @DisplayName("read a properties file, with the environment taking precedence")
  void file(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("gateway.properties");
    Files.writeString(file, "HTTP_PORT=9090\nOFFICE_NAME=北区くらしのサポートコーナー\nOUTBOX_MAX_ATTEMPTS=3\n",
        StandardCharsets.UTF_8);
    GatewayConfig config = load(Map.of("GATEWAY_CONFIG_FILE", file.toString(), "OUTBOX_MAX_ATTEMPTS", "5"));
    assertThat(config.httpPort()).isEqualTo(9090);
    assertThat(config.office().name().in("ja")).isEqualTo("北区くらしのサポートコーナー");
    assertThat(config.outbox().retry().maxAttempts()).isEqualTo(5);
  }

  @Test
  @DisplayName("say so when the settings file is missing")
  void missingFile() {
    assertThatThrownBy(() -> load(Map.of("GATEWAY_CONFIG_FILE", "/nonexistent/gateway.properties")))
        .hasMessageStartingWith("GATEWAY_CONFIG_FILE cannot be read");
  }

  @Test
  @DisplayName("session and event stream settings: defaults and ranges")
  void sessionSettings() {
    GatewayConfig config = load(Map.of());
    assertThat(config.console().sessionIdle()).isEqualTo(java.time.Duration.ofMinutes(30));
    assertThat(config.console().maxStreamsPerSession()).isEqualTo(4);
    assertThat(config.console().streamSessionCheck()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThatThrownBy(() -> load(Map.of("SESSION_IDLE_MINUTES", "0"))).hasMessageStartingWith("SESSION_IDLE_MINUTES");
    assertThatThrownBy(() -> load(Map.of("SSE_MAX_STREAMS_PER_SESSION", "0")))
        .hasMessageStartingWith("SSE_MAX_STREAMS_PER_SESSION");
    assertThatThrownBy(() -> load(Map.of("SSE_SESSION_CHECK_SECONDS", "0"))).hasMessageStartingWith("SSE_SESSION_CHECK_SECONDS");
  }

  @Test
  @DisplayName("metrics settings: a short token, a bad port, the HTTP port, a host without a port are refused; the token is never shown")
  void metricsSettings() {
    GatewayConfig none = load(Map.of());
    assertThat(none.metrics().token()).isEmpty();
    assertThat(none.metrics().port()).isEmpty();
    assertThatThrownBy(() -> load(Map.of("METRICS_TOKEN", "short-secret")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("METRICS_TOKEN").hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> load(Map.of("METRICS_TOKEN", "with a space in it, long enough")))
        .isInstanceOf(ConfigException.class).hasMessageNotContaining("with a space");
    assertThatThrownBy(() -> load(Map.of("METRICS_PORT", "70000"))).hasMessageStartingWith("METRICS_PORT");
    assertThatThrownBy(() -> load(Map.of("METRICS_PORT", "0"))).hasMessageStartingWith("METRICS_PORT");
    assertThatThrownBy(() -> load(Map.of("METRICS_PORT", "8080"))).isInstanceOf(ConfigException.class)
        .hasMessage("METRICS_PORT must differ from HTTP_PORT (8080)");
    assertThatThrownBy(() -> load(Map.of("METRICS_HOST", "0.0.0.0"))).hasMessageStartingWith("METRICS_HOST");
    GatewayConfig set = load(Map.of("METRICS_TOKEN", "a-long-enough-token", "METRICS_PORT", "9100"));
    assertThat(set.metrics().port().getAsInt()).isEqualTo(9100);
    assertThat(set.metrics().host()).isEqualTo("127.0.0.1");
    assertThat(set.toString()).doesNotContain("a-long-enough-token");
  }
}
