package jp.kurashi.app;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.Yaml;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** No Docker engine runs here, so the compose file is checked as data: it parses and names the production shape. */
@DisplayName("docker-compose.yml")
class DockerComposeTest {

  private static final Path ROOT = Path.of("../..");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> services() throws Exception {
    try (Reader r = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"), StandardCharsets.UTF_8)) {
      Map<String, Object> compose = new Yaml().load(r);
      return (Map<String, Object>) compose.get("services");
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(String name) throws Exception {
    return (Map<String, Object>) services().get(name);
  }

  @Test
  @DisplayName("names a load balancer, two gateway instances, PostgreSQL 16, Redis 7 and GreenMail")
  void services_() throws Exception {
    assertThat(services()).containsOnlyKeys("proxy", "gateway-a", "gateway-b", "postgres", "redis", "mail");
    assertThat(service("postgres").get("image")).isEqualTo("postgres:16");
    assertThat(service("redis").get("image")).isEqualTo("redis:7");
    assertThat((String) service("mail").get("image")).startsWith("greenmail/standalone:");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gateway-a", "gateway-b"})
  @SuppressWarnings("unchecked")
  @DisplayName("builds each instance from the repository's Dockerfile, on the same database and Redis, reachable only through the proxy")
  void gatewayWiring(String instance) throws Exception {
    Map<String, Object> gateway = service(instance);
    assertThat(gateway.get("build")).isEqualTo(".");
    assertThat(ROOT.resolve("Dockerfile")).exists();
    Map<String, Object> env = (Map<String, Object>) gateway.get("environment");
    assertThat((String) env.get("DATABASE_URL")).startsWith("postgresql://").contains("@postgres:5432/");
    assertThat((String) env.get("REDIS_URL")).isEqualTo("redis://redis:6379");
    assertThat(gateway).doesNotContainKey("ports");
    assertThat((List<String>) gateway.get("expose")).contains("8080");
    assertThat(((Map<String, Object>) gateway.get("depends_on")).keySet()).contains("postgres", "redis", "mail");
    // Only the proxy may name the client: TRUSTED_PROXIES is exactly its fixed address on the desk network.
    Map<String, Object> proxyNetworks = (Map<String, Object>) service("proxy").get("networks");
    String proxyAddress = (String) ((Map<String, Object>) proxyNetworks.get("desk")).get("ipv4_address");
    assertThat(env.get("TRUSTED_PROXIES")).isEqualTo(proxyAddress);
  }

  @Test
  @SuppressWarnings("unchecked")
  @DisplayName("the proxy is Caddy on port 8080, balancing both instances without sticky sessions, health-checked, streams flushed")
  void loadBalancer() throws Exception {
    Map<String, Object> proxy = service("proxy");
    assertThat((String) proxy.get("image")).startsWith("caddy:2");
    assertThat((List<String>) proxy.get("ports")).containsExactly("8080:8080");
    assertThat((List<String>) proxy.get("volumes")).contains("./deploy/Caddyfile:/etc/caddy/Caddyfile:ro");
    String caddyfile = Files.readString(ROOT.resolve("deploy/Caddyfile"), StandardCharsets.UTF_8);
    assertThat(caddyfile).contains("reverse_proxy gateway-a:8080 gateway-b:8080").contains("health_uri /health")
        .contains("flush_interval -1").doesNotContain("lb_policy cookie").doesNotContain("lb_policy ip_hash")
        .doesNotContain("lb_policy client_ip_hash");
  }

  @Test
  @SuppressWarnings("unchecked")
  @DisplayName("ships no admin password: unset, the gateway generates one into DATA_DIR")
  void noDefaultAdminPassword() throws Exception {
    Map<String, Object> env = (Map<String, Object>) service("gateway-a").get("environment");
    Object admin = env.get("GATEWAY_ADMIN_PASSWORD");
    // Either absent, passed through from the operator's environment with no fallback, or required from it.
    assertThat(admin == null || admin.equals("${GATEWAY_ADMIN_PASSWORD:-}")
        || String.valueOf(admin).startsWith("${GATEWAY_ADMIN_PASSWORD:?")).as(String.valueOf(admin)).isTrue();
    String compose = Files.readString(ROOT.resolve("docker-compose.yml"), StandardCharsets.UTF_8);
    assertThat(compose).doesNotContain("change-this-password");
  }

  @Test
  @DisplayName("has a Dockerfile that runs the fixed jar name in exec form, so SIGTERM reaches Java")
  void dockerfile() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"), StandardCharsets.UTF_8);
    assertThat(dockerfile).contains("gateway/target/gateway.jar").contains("ENTRYPOINT [\"java\"");
  }
}
