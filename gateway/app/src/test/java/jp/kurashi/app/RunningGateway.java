package jp.kurashi.app;

import jp.kurashi.core.config.ConfigSource;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.buffer.Buffer;
import jp.kurashi.core.office.OfficeProfileJson;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalTime;
import java.util.HashMap;
import java.util.Map;

/** A whole gateway on a random port for tests, with an HTTP client that keeps cookies. */
final class RunningGateway implements AutoCloseable {

  static final String ADMIN_PASSWORD = "correct-horse-battery";

  final Vertx vertx;
  final Clock clock;
  final Gateway gateway;
  final ByteArrayOutputStream console = new ByteArrayOutputStream();
  /** The data directory this harness made because the test gave none; removed on close. */
  private final java.nio.file.Path scratchDir;

  /**
   * Argon2id at 1 MiB and one pass instead of the production 19 MiB and two: the suite logs in thousands of
   * times, and hashing at the production cost was 40 % of its CPU. The production parameters are tested by
   * {@code PasswordHasherTest}, {@code AdminBootstrapTest} and the *IT tests, which run the packaged jar.
   */
  static final PasswordHasher LIGHT_HASHER = new PasswordHasher(1024, 1, 1);

  private RunningGateway(Vertx vertx, Map<String, String> env, Clock clock) {
    this(vertx, env, clock, LIGHT_HASHER);
  }

  private RunningGateway(Vertx vertx, Map<String, String> env, Clock clock,
                         PasswordHasher hasher) {
    this.vertx = vertx;
    this.clock = clock;
    Map<String, String> settings = new HashMap<>(Map.of(
        "HTTP_PORT", "0", "HTTP_HOST", "127.0.0.1", "HTTP_INSTANCES", "1",
        "GATEWAY_ADMIN_PASSWORD", ADMIN_PASSWORD, "DATABASE_POOL_SIZE", "4",
        // The shared test server runs with fsync off for speed; durability is tested on its own.
        "DATABASE_UNSAFE_FAST", "true",
        // Suites log in many times from 127.0.0.1; LoginHardeningTest sets its own limit.
        "LOGIN_MAX_PER_MINUTE", "10000"));
    // Every test client is 127.0.0.1; WebchatQuotaTest and TrustedProxiesTest set their own quotas.
    settings.put("WEBCHAT_SESSIONS_PER_HOUR_PER_ADDRESS", "100000");
    settings.put("WEBCHAT_MESSAGES_PER_MINUTE_PER_ADDRESS", "100000");
    settings.put("WEBCHAT_UPLOADS_PER_HOUR_PER_ADDRESS", "100000");
    // Suites start many gateways; the start-up warm-up would add its 25 s to each. StartupWarmUpTest tests it.
    settings.put("STARTUP_WARMUP_MESSAGES", "0");
    // Never the working directory: a test without its own DATA_DIR would leave passwords and ids in the source tree.
    this.scratchDir = env.containsKey("DATA_DIR") ? null : scratchDirectory();
    if (scratchDir != null) {
      settings.put("DATA_DIR", scratchDir.toString());
    }
    settings.putAll(env);
    GatewayConfig config = GatewayConfig.load(ConfigSource.of(settings));
    this.gateway = Await.result(Gateway.start(vertx, config, new PrintStream(console, true, StandardCharsets.UTF_8),
        clock, hasher));
  }

  /** A gateway on the suite's clock; a test that needs the desk open or closed passes its own clock. */
  static RunningGateway start(Vertx vertx, Map<String, String> env) {
    return new RunningGateway(vertx, env, TestClocks.ambient());
  }

  static RunningGateway start(Vertx vertx, Map<String, String> env, Clock clock) {
    return new RunningGateway(vertx, env, clock);
  }

  /** A gateway hashing with {@code hasher} (one that counts its evaluations). */
  static RunningGateway start(Vertx vertx, Map<String, String> env, PasswordHasher hasher) {
    return new RunningGateway(vertx, env, TestClocks.ambient(), hasher);
  }

  /** The shipped desk's next open weekday at 10:00 (Tokyo), after the suite's moment. */
  static Clock deskOpen() {
    return TestClocks.next(LocalTime.of(10, 0), OfficeProfileJson.defaults().hours()::isOpen);
  }

  /** The shipped desk's next closed night at 03:00 (Tokyo), after the suite's moment. */
  static Clock deskClosed() {
    return TestClocks.next(LocalTime.of(3, 0), t -> !OfficeProfileJson.defaults().hours().isOpen(t));
  }

  /**
   * Creates a staff account through the admin's API and logs it in; the person's first login replaces the
   * admin's password with their own, {@code <login>-password-1}.
   */
  StaffClient staff(String login, jp.kurashi.core.domain.Role role) {
    long id = created(login, role);
    StaffClient c = client();
    c.login(login, initialPassword(login));
    var changed = c.post("/api/password", new JsonObject().put("current", initialPassword(login))
        .put("new", login + "-password-1"), true);
    if (changed.statusCode() != 204) {
      throw new IllegalStateException("staff " + id + " could not choose a password: " + changed.bodyAsString());
    }
    return c;
  }

  /** Creates a staff account as the admin does, with {@link #initialPassword}; returns its id. Nobody logs in. */
  long created(String login, jp.kurashi.core.domain.Role role) {
    StaffClient admin = client();
    admin.login("admin", ADMIN_PASSWORD);
    var created = admin.post("/api/staff", new JsonObject().put("login", login).put("password", initialPassword(login))
        .put("role", role.code()).put("displayName", "職員 " + login), true);
    if (created.statusCode() != 201) {
      throw new IllegalStateException("staff not created: " + created.bodyAsString());
    }
    return created.bodyAsJsonObject().getLong("id");
  }

  /** The password the admin gives a new account, to be changed at its first login. */
  static String initialPassword(String login) {
    return login + "-from-the-admin";
  }

  /** The chief's client: reads every case of the office. */
  StaffClient chief() {
    return staff("chief", jp.kurashi.core.domain.Role.CHIEF);
  }

  /** A client with its own cookie jar, i.e. one browser. */
  StaffClient client() {
    return new StaffClient(WebClient.create(vertx, new WebClientOptions()
        .setDefaultHost("127.0.0.1").setDefaultPort(gateway.httpPort())));
  }

  HttpResponse<Buffer> health() {
    return Await.result(WebClient.create(vertx).get(gateway.httpPort(), "127.0.0.1", "/health").send());
  }

  @Override
  public void close() {
    Await.result(gateway.stop());
    if (scratchDir != null) {
      try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(scratchDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  private static java.nio.file.Path scratchDirectory() {
    try {
      return java.nio.file.Files.createTempDirectory("gateway-test");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Staff API calls as the console makes them: session cookie plus CSRF header. */
  static final class StaffClient {
    private final WebClient client;
    String cookie;
    String csrf;

    StaffClient(WebClient client) {
      this.client = client;
    }

    HttpResponse<Buffer> login(String login, String password) {
      HttpResponse<Buffer> r = Await.result(client.post("/api/login")
          .sendJsonObject(new JsonObject().put("login", login).put("password", password)));
      if (r.statusCode() == 200) {
        cookie = r.cookies().get(0).split(";")[0];
        csrf = r.bodyAsJsonObject().getString("csrfToken");
      }
      return r;
    }

    HttpResponse<Buffer> get(String path) {
      var req = client.get(path);
      if (cookie != null) {
        req.putHeader("Cookie", cookie);
      }
      return Await.result(req.send());
    }

    /** A GET the console makes by itself (a refresh after a live event): it does not count as activity. */
    HttpResponse<Buffer> backgroundGet(String path) {
      var req = client.get(path).putHeader("X-Kurashi-Background", "1");
      if (cookie != null) {
        req.putHeader("Cookie", cookie);
      }
      return Await.result(req.send());
    }

    HttpResponse<Buffer> post(String path, JsonObject body, boolean withCsrf) {
      return send(HttpMethod.POST, path, body, withCsrf);
    }

    HttpResponse<Buffer> patch(String path, JsonObject body) {
      return send(HttpMethod.PATCH, path, body, true);
    }

    HttpResponse<Buffer> send(HttpMethod method, String path, JsonObject body, boolean withCsrf) {
      return Await.result(sending(method, path, body, withCsrf));
    }

    /** A POST with the CSRF token, not waited for: to send several at once. */
    Future<HttpResponse<Buffer>> postAsync(String path, JsonObject body) {
      return sending(HttpMethod.POST, path, body, true);
    }

    private Future<HttpResponse<Buffer>> sending(HttpMethod method, String path, JsonObject body, boolean withCsrf) {
      var req = client.request(method, path);
      if (cookie != null) {
        req.putHeader("Cookie", cookie);
      }
      if (withCsrf && csrf != null) {
        req.putHeader("X-CSRF-Token", csrf);
      }
      return body == null ? req.send() : req.sendJsonObject(body);
    }
  }
}
