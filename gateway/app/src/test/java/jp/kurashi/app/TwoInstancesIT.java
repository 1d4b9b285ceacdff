package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.FreePorts;
import jp.kurashi.testkit.TestPostgres;
import jp.kurashi.testkit.TestRedis;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 item 1: two packaged gateways on one PostgreSQL database and one Redis behave as one desk. A web chat
 * reply crosses instances once, live events cross instances, periodic jobs run on one instance and move within
 * 30 s of a SIGKILL, login limits and lockouts hold on both. Each instance has its own DATA_DIR and port.
 */
@DisplayName("Two gateway processes on one database and one Redis")
class TwoInstancesIT {

  private static final String ADMIN_PASSWORD = "two-instances-admin-password";
  private static final String LOGIN = "sato";
  private static final String INITIAL_PASSWORD = "sato-initial-password";
  private static final String PASSWORD = "sato-own-password-1";
  private static final int LOGINS_PER_MINUTE = 10;
  private static final Duration TAKEOVER_LIMIT = Duration.ofSeconds(30);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  /** One gateway process: its work folder (DATA_DIR is {@code data} there), port and process. */
  private record Instance(String label, Path dir, int port, Process process) {
    String name() throws Exception {
      return Files.readString(dir.resolve("data").resolve(InstanceName.FILE)).strip();
    }

    String log() throws Exception {
      return GatewayProcess.read(dir.resolve("stdout.log")) + GatewayProcess.read(dir.resolve("stderr.log"));
    }
  }

  /** A staff session: cookie and CSRF token. */
  private record Session(String cookie, String csrf) {
  }

  @Test
  @Timeout(value = 3, unit = TimeUnit.MINUTES)
  @DisplayName("deliver a reply across instances once, end a chat on every instance, stream events across instances, share limits, run jobs once and take them over")
  void behaveAsOne(@TempDir Path workDir) throws Exception {
    long t0 = System.nanoTime();
    String databaseUrl = TestPostgres.shared().newDatabaseUrl();
    try (TestRedis redis = TestRedis.start()) {
      // Both start at once on the empty database, as compose starts its replicas: migration, office and first
      // admin are raced for.
      Instance a = launch("A", workDir.resolve("a"), databaseUrl, redis.url());
      Instance b = launch("B", workDir.resolve("b"), databaseUrl, redis.url());
      try {
        GatewayProcess.awaitHealthy(a.process(), a.port(), a.dir());
        GatewayProcess.awaitHealthy(b.process(), b.port(), b.dir());
        System.out.printf("[two-instances] both healthy after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

        Session adminOnA = login(a, "admin", ADMIN_PASSWORD).orElseThrow();
        assertThat(post(a, adminOnA, "/api/staff", new JsonObject().put("login", LOGIN).put("password", INITIAL_PASSWORD)
            .put("role", "consultant").put("displayName", "相談員 佐藤")).statusCode()).isEqualTo(201);
        Session first = login(a, LOGIN, INITIAL_PASSWORD).orElseThrow();
        assertThat(post(a, first, "/api/password", new JsonObject().put("current", INITIAL_PASSWORD).put("new", PASSWORD))
            .statusCode()).isEqualTo(204);
        Session staffOnB = login(b, LOGIN, PASSWORD).orElseThrow();

        Vertx vertx = Vertx.vertx();
        try (LiveEventsStream eventsOnB = LiveEventsStream.open(vertx, b.port(), staffOnB.cookie());
             Resident resident = Resident.connect(http, a)) {
          long messageId = resident.say("c-1", "家賃が払えず困っています");
          long caseId = longQuery(databaseUrl, "SELECT case_id FROM message WHERE id = " + messageId);

          // 2. The console's live events on B show what arrived on A.
          Await.until(Duration.ofSeconds(10), "message.received for message " + messageId + " on B's /api/events",
              () -> !received(eventsOnB, messageId).isEmpty());
          assertThat(received(eventsOnB, messageId))
              .as("B's live event stream shows the message that arrived on A, once").hasSize(1);

          // 1. A staff reply sent through B reaches the resident's socket on A, exactly once.
          assertThat(post(b, staffOnB, "/api/cases/" + caseId + "/claim", new JsonObject()).statusCode()).isEqualTo(200);
          String reply = "お返事です。窓口でお話を伺います。 #reply-across";
          HttpResponse<String> queued = post(b, staffOnB, "/api/cases/" + caseId + "/replies", new JsonObject().put("text", reply));
          assertThat(queued.statusCode()).as("reply queued on B: %s", queued.body()).isEqualTo(202);
          Await.until(Duration.ofSeconds(10), "the reply on the resident's socket on A", () -> !resident.staffFrames(reply).isEmpty());
          // Long enough for a second copy (a second worker, a second relay of the event) to arrive if there were one.
          Thread.sleep(2_000);
          assertThat(resident.staffFrames(reply)).as("staff reply frames on A's socket (sent through B)").hasSize(1);
          assertThat(longQuery(databaseUrl, "SELECT count(*) FROM message WHERE direction = 'out' AND body = '" + reply + "'"))
              .as("reply messages stored").isEqualTo(1);
          assertThat(stringQuery(databaseUrl, "SELECT status || '/' || attempts FROM outbox o JOIN message m ON m.id = o.message_id"
              + " WHERE m.body = '" + reply + "'")).as("the reply's outbox row: sent, in one attempt").isEqualTo("sent/1");

          // 6. Another resident opens their chat on another device with its resume code, through B: their socket on A,
          // opened with the old token, is closed with the reason (A learns of the move from B's chat.moved event).
          try (Resident mover = Resident.connect(http, a)) {
            mover.say("c-1", "借金の相談です");
            HttpResponse<String> code = http.send(request(a, "/webchat/sessions/current/code")
                .header("X-Chat-Token", mover.token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(code.statusCode()).as("resume code on A: %s", code.body()).isEqualTo(201);
            HttpResponse<String> moved = http.send(request(b, "/webchat/sessions/resume")
                .POST(HttpRequest.BodyPublishers.ofString(new JsonObject()
                    .put("code", new JsonObject(code.body()).getString("code")).encode())).build(),
                HttpResponse.BodyHandlers.ofString());
            assertThat(moved.statusCode()).as("chat opened on B: %s", moved.body()).isEqualTo(201);
            Await.until(Duration.ofSeconds(10), "the old token's socket on A closed with 4401", () -> mover.closedWith == 4401);
            assertThat(mover.frames).as("told why").anyMatch(f -> "moved".equals(f.getString("reason")));
          }

          // 5. The resident ends the chat from a tab served by B (会話を終了して消す on a shared PC): the socket on A,
          // another tab on the same PC, is told and closed at once, not left showing the conversation.
          HttpResponse<String> ended = http.send(request(b, "/webchat/sessions/current").header("X-Chat-Token", resident.token)
              .DELETE().build(), HttpResponse.BodyHandlers.ofString());
          assertThat(ended.statusCode()).as("chat ended on B: %s", ended.body()).isEqualTo(204);
          Await.until(Duration.ofSeconds(10), "the socket on A closed with 4401", () -> resident.closedWith == 4401);
          assertThat(resident.frames).as("the socket on A was told why").anyMatch(f -> "error".equals(f.getString("type"))
              && "unknown_token".equals(f.getString("code")));
          assertThat(eventsOnB.events).as("consoles are not told of a chat's end").noneMatch(e -> "chat.ended".equals(e.getString("type")));
        } finally {
          Await.result(vertx.close());
        }

        // 4. Shared lockout: five wrong passwords on A lock the account on B too (the right password is refused there).
        for (int i = 0; i < 5; i++) {
          assertThat(login(a, LOGIN, "wrong-" + i)).isEmpty();
        }
        assertThat(login(b, LOGIN, PASSWORD)).as("the right password on B after five wrong ones on A").isEmpty();
        assertThat(longQuery(databaseUrl, "SELECT count(*) FROM staff WHERE login = '" + LOGIN + "' AND locked_until > now()"))
            .as("account locked").isEqualTo(1);
        // 4. Shared address limit: A refuses this address once the minute's logins are spent; B refuses it at once too,
        // though B alone has seen only a few of them.
        int onA = 0;
        int status = 0;
        while (status != 429 && onA < 3 * LOGINS_PER_MINUTE) {
          status = loginStatus(a, "nobody", "guess-" + onA);
          onA++;
        }
        assertThat(status).as("A limits login requests from one address").isEqualTo(429);
        assertThat(loginStatus(b, "nobody", "guess-b")).as("B's answer to the same address right after A limited it")
            .isEqualTo(429);

        // 3. Periodic jobs: every lease held by one live instance; SIGKILL its holder and the other takes them within 30 s.
        String nameA = a.name();
        String nameB = b.name();
        assertThat(nameA).isNotEqualTo(nameB);
        Map<String, String> leases = leases(databaseUrl);
        assertThat(leases).as("job leases").containsKeys("retention", "after-commit-sweep");
        assertThat(leases.values()).as("lease holders").allSatisfy(h -> assertThat(h).isIn(nameA, nameB));
        String holder = leases.get("retention");
        Instance victim = holder.equals(nameA) ? a : b;
        Instance survivor = victim == a ? b : a;
        String survivorName = survivor.name();
        List<String> moving = leases.entrySet().stream().filter(e -> e.getValue().equals(holder)).map(Map.Entry::getKey).toList();
        victim.process().destroyForcibly();
        assertThat(victim.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
        long killedAt = System.nanoTime();
        Await.until(TAKEOVER_LIMIT.plusSeconds(5), "jobs " + moving + " held by " + survivor.label(),
            () -> moving.stream().allMatch(job -> survivorName.equals(liveLeases(databaseUrl).get(job))));
        Duration takeover = Duration.ofNanos(System.nanoTime() - killedAt);
        System.out.printf("[two-instances] %s killed holding %s; %s took them over in %d ms%n",
            victim.label(), moving, survivor.label(), takeover.toMillis());
        assertThat(takeover).as("takeover of %s after SIGKILL of %s", moving, victim.label()).isLessThan(TAKEOVER_LIMIT);
        assertThat(GatewayProcess.health(survivor.port())).as("survivor healthy").isEqualTo(200);
      } finally {
        stopQuietly(b.process());
        stopQuietly(a.process());
        System.out.printf("[two-instances] total %d ms%n", (System.nanoTime() - t0) / 1_000_000);
      }
    }
  }

  private static List<JsonObject> received(LiveEventsStream stream, long messageId) {
    return stream.events.stream().filter(e -> "message.received".equals(e.getString("type"))
        && Long.valueOf(messageId).equals(e.getLong("messageId"))).toList();
  }

  private static Instance launch(String label, Path dir, String databaseUrl, String redisUrl) throws Exception {
    Files.createDirectories(dir);
    int port = FreePorts.next();
    Map<String, String> env = new HashMap<>();
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("HTTP_HOST", "127.0.0.1");
    env.put("DATABASE_URL", databaseUrl);
    env.put("DATABASE_UNSAFE_FAST", "true");
    env.put("DATABASE_POOL_SIZE", "4");
    env.put("REDIS_URL", redisUrl);
    env.put("GATEWAY_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("LOGIN_MAX_PER_MINUTE", String.valueOf(LOGINS_PER_MINUTE));
    env.put("LOG_LEVEL", "WARN");
    return new Instance(label, dir, port, GatewayProcess.launch(dir, env));
  }

  private static void stopQuietly(Process p) throws InterruptedException {
    if (p.isAlive()) {
      p.destroy();
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private java.util.Optional<Session> login(Instance at, String login, String password) throws Exception {
    HttpResponse<String> r = http.send(request(at, "/api/login").POST(HttpRequest.BodyPublishers.ofString(
        new JsonObject().put("login", login).put("password", password).encode())).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return java.util.Optional.empty();
    }
    String cookie = r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    return java.util.Optional.of(new Session(cookie, new JsonObject(r.body()).getString("csrfToken")));
  }

  private int loginStatus(Instance at, String login, String password) throws Exception {
    return http.send(request(at, "/api/login").POST(HttpRequest.BodyPublishers.ofString(
        new JsonObject().put("login", login).put("password", password).encode())).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private HttpResponse<String> post(Instance at, Session s, String path, JsonObject body) throws Exception {
    return http.send(request(at, path).header("Cookie", s.cookie()).header("X-CSRF-Token", s.csrf())
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest.Builder request(Instance at, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.port() + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json");
  }

  private static Connection jdbc(String databaseUrl) throws SQLException {
    // postgresql://user:password@host:port/name, as TestPostgres gives it.
    URI uri = URI.create(databaseUrl);
    String[] user = uri.getUserInfo().split(":", 2);
    return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
        user[0], user[1]);
  }

  private static long longQuery(String databaseUrl, String sql) throws SQLException {
    try (Connection c = jdbc(databaseUrl); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      assertThat(r.next()).as("a row for %s", sql).isTrue();
      return r.getLong(1);
    }
  }

  private static String stringQuery(String databaseUrl, String sql) throws SQLException {
    try (Connection c = jdbc(databaseUrl); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      assertThat(r.next()).as("a row for %s", sql).isTrue();
      String value = r.getString(1);
      assertThat(r.next()).as("one row for %s", sql).isFalse();
      return value;
    }
  }

  /** Job to holder, whatever the expiry. */
  private static Map<String, String> leases(String databaseUrl) throws SQLException {
    return leaseQuery(databaseUrl, "SELECT job, holder FROM job_lease ORDER BY job");
  }

  /** Job to holder, for leases not yet run out. */
  private static Map<String, String> liveLeases(String databaseUrl) {
    try {
      return leaseQuery(databaseUrl, "SELECT job, holder FROM job_lease WHERE expires_at > now() ORDER BY job");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> leaseQuery(String databaseUrl, String sql) throws SQLException {
    Map<String, String> out = new LinkedHashMap<>();
    try (Connection c = jdbc(databaseUrl); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
      while (r.next()) {
        out.put(r.getString(1), r.getString(2));
      }
    }
    return out;
  }

  /** A resident in the web chat on one instance, speaking docs/webchat-protocol.md with the JDK's WebSocket client. */
  private static final class Resident implements WebSocket.Listener, AutoCloseable {

    private final List<JsonObject> frames = new CopyOnWriteArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;
    private String token;
    private volatile int closedWith;

    static Resident connect(HttpClient http, Instance at) throws Exception {
      HttpResponse<String> created = http.send(request(at, "/webchat/sessions")
          .POST(HttpRequest.BodyPublishers.ofString("{\"language\":\"ja\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as("web chat session: %s", created.body()).isEqualTo(201);
      String token = new JsonObject(created.body()).getString("token");
      Resident r = new Resident();
      r.token = token;
      r.socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
          .buildAsync(URI.create("ws://127.0.0.1:" + at.port() + "/webchat/socket"), r).get(10, TimeUnit.SECONDS);
      r.send(new JsonObject().put("type", "auth").put("token", token));
      Await.until(Duration.ofSeconds(10), "auth answer", () -> r.has("auth"));
      String notice = new JsonObject(http.send(request(at, "/webchat/config").GET().build(),
          HttpResponse.BodyHandlers.ofString()).body()).getJsonObject("privacyNotice").getString("version");
      r.send(new JsonObject().put("type", "consent").put("accepted", true).put("version", notice));
      Await.until(Duration.ofSeconds(10), "consent answer", () -> r.has("consent"));
      return r;
    }

    /** Sends a message and returns its id from the ack. */
    long say(String clientId, String text) throws Exception {
      send(new JsonObject().put("type", "message").put("clientId", clientId).put("text", text));
      Await.until(Duration.ofSeconds(10), "ack of " + clientId, () -> frames.stream()
          .anyMatch(f -> "ack".equals(f.getString("type")) && clientId.equals(f.getString("clientId"))));
      return frames.stream().filter(f -> "ack".equals(f.getString("type")) && clientId.equals(f.getString("clientId")))
          .findFirst().orElseThrow().getLong("id");
    }

    List<JsonObject> staffFrames(String text) {
      return frames.stream().filter(f -> "message".equals(f.getString("type")) && "staff".equals(f.getString("from"))
          && text.equals(f.getString("text"))).toList();
    }

    private boolean has(String type) {
      return frames.stream().anyMatch(f -> type.equals(f.getString("type")));
    }

    private void send(JsonObject frame) throws Exception {
      socket.sendText(frame.encode(), true).get(5, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        frames.add(new JsonObject(partial.toString()));
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closedWith = statusCode;
      return null;
    }

    @Override
    public void close() {
      socket.abort();
    }
  }
}
