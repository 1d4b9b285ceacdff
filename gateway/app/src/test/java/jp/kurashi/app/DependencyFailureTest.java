package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.Role;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.FreePorts;
import jp.kurashi.testkit.RestartablePostgres;
import jp.kurashi.testkit.TestRedis;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Under a steady load of LINE webhooks")
class DependencyFailureTest {

  private static final String SECRET = "dependency-secret";
  /** One webhook every 40 ms (25 a second), never more than this many in one test. */
  private static final long PERIOD_MS = 40;
  private static final int MAX_EVENTS = 1_500;
  /** LINE gives up on a slow answer; ours must come well before. */
  private static final long ANSWER_BOUND_MS = 5_000;

  private static Map<String, String> lineEnv(String databaseUrl) {
    String unusedApi = "http://127.0.0.1:" + FreePorts.next() + "/";
    return new HashMap<>(Map.of("DATABASE_URL", databaseUrl,
        "LINE_CHANNEL_SECRET", SECRET, "LINE_CHANNEL_ACCESS_TOKEN", "token",
        "LINE_API_BASE_URL", unusedApi, "LINE_DATA_API_BASE_URL", unusedApi, "LINE_TIMEOUT_SECONDS", "2"));
  }

  @Test
  @DisplayName("a PostgreSQL restart gives 503 while it is down, the pool reconnects, and every event is stored once")
  void postgresRestart(Vertx vertx, @TempDir Path dir) throws Exception {
    try (RestartablePostgres pg = RestartablePostgres.start(dir.resolve("pg"));
         RunningGateway running = RunningGateway.start(vertx, lineEnv(pg.url()))) {
      LineLoad load = new LineLoad(vertx, running.gateway.httpPort(), SECRET, "pg", 5, MAX_EVENTS).start(PERIOD_MS);
      try {
        Await.until(Duration.ofSeconds(30), "20 webhooks stored before the stop", () -> load.count(200) >= 20);

        pg.stop();
        long down = System.nanoTime();
        Await.until(Duration.ofSeconds(15), "webhooks answered 503 while PostgreSQL is down",
            () -> load.countSince(down, 503) >= 10);
        var health = running.health();
        assertThat(health.statusCode()).isEqualTo(503);
        assertThat(health.bodyAsJsonObject().getJsonObject("checks").getString("database")).isEqualTo("DOWN");
        long up = System.nanoTime();
        pg.restart();

        Await.until(Duration.ofSeconds(30), "webhooks stored again after the restart",
            () -> load.countSince(up, 200) >= 20);
        Await.until(Duration.ofSeconds(15), "/health UP again", () -> running.health().statusCode() == 200);
        load.stop();
        Await.until(Duration.ofSeconds(15), "every webhook answered", load::idle);

        List<LineLoad.Answer> whileDown = load.answers.stream()
            .filter(a -> a.sentAtNanos() >= down && a.sentAtNanos() < up).toList();
        assertThat(whileDown).isNotEmpty().allSatisfy(a -> assertThat(a.status()).isEqualTo(503));
        assertThat(load.answers).allSatisfy(a -> {
          assertThat(a.status()).as("event %s", a.eventId()).isIn(200, 503);
          assertThat(a.millis()).as("answer time of %s", a.eventId()).isLessThan(ANSWER_BOUND_MS);
        });

        // LINE redelivers what it did not get a 200 for, with the same webhookEventId.
        Set<String> refused = load.answers.stream().filter(a -> a.status() != 200)
            .map(LineLoad.Answer::eventId).collect(Collectors.toSet());
        for (String eventId : refused) {
          assertThat(Await.result(load.redeliver(eventId))).as("redelivery of %s", eventId).isEqualTo(200);
        }
        // A redelivery of something already acknowledged is harmless too.
        String acknowledged = load.answers.stream().filter(a -> a.status() == 200).findFirst().orElseThrow().eventId();
        assertThat(Await.result(load.redeliver(acknowledged))).isEqualTo(200);

        Set<String> sent = load.answers.stream().map(LineLoad.Answer::eventId).collect(Collectors.toSet());
        assertThat(storedOnce(pg)).isEqualTo(sent);
      } finally {
        load.stop();
      }
    }
  }

  /** External ids of LINE messages, failing if any is stored more than once. */
  private static Set<String> storedOnce(RestartablePostgres pg) throws Exception {
    Set<String> ids = new HashSet<>();
    try (Connection c = pg.connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery("SELECT external_id, count(*) FROM message WHERE channel = 'line' "
             + "AND direction = 'in' GROUP BY external_id")) {
      while (rs.next()) {
        assertThat(rs.getInt(2)).as("copies of %s", rs.getString(1)).isEqualTo(1);
        ids.add(rs.getString(1));
      }
    }
    return ids;
  }

  @Test
  @DisplayName("with Redis stopped, messages still commit and /health says DOWN; live events resume when it returns")
  void redisOutage(Vertx vertx) throws Exception {
    try (TestRedis redis = TestRedis.start()) {
      Map<String, String> env = lineEnv(TestDatabases.migrated());
      env.put("REDIS_URL", redis.url());
      try (RunningGateway running = RunningGateway.start(vertx, env)) {
        RunningGateway.StaffClient chief = running.staff("chief", Role.CHIEF);
        LiveEventsStream live = LiveEventsStream.open(vertx, running.gateway.httpPort(), chief.cookie);
        LineLoad load = new LineLoad(vertx, running.gateway.httpPort(), SECRET, "rd", 5, MAX_EVENTS).start(PERIOD_MS);
        try {
          Await.until(Duration.ofSeconds(30), "live events flowing", () -> live.events.size() >= 10);

          redis.stop();
          long down = System.nanoTime();
          Await.until(Duration.ofSeconds(15), "/health 503 without Redis", () -> running.health().statusCode() == 503);
          JsonObject checks = running.health().bodyAsJsonObject().getJsonObject("checks");
          assertThat(checks).isEqualTo(new JsonObject().put("database", "UP").put("redis", "DOWN"));
          Await.until(Duration.ofSeconds(15), "webhooks stored while Redis is down", () -> load.countSince(down, 200) >= 25);
          long up = System.nanoTime();
          assertThat(load.answers.stream().filter(a -> a.sentAtNanos() >= down && a.sentAtNanos() < up))
              .allSatisfy(a -> assertThat(a.status()).as("event %s", a.eventId()).isEqualTo(200));

          assertThat(live.resyncs.get()).isZero();
          redis.restart();
          Await.until(Duration.ofSeconds(15), "/health UP with Redis back", () -> running.health().statusCode() == 200);
          Await.until(Duration.ofSeconds(15), "the console told to read again what it may have missed",
              () -> live.resyncs.get() >= 1);
          load.stop();
          Await.until(Duration.ofSeconds(15), "every webhook answered", load::idle);
          assertThat(load.answers).allSatisfy(a -> {
            assertThat(a.status()).as("event %s", a.eventId()).isEqualTo(200);
            assertThat(a.millis()).as("answer time of %s", a.eventId()).isLessThan(ANSWER_BOUND_MS);
          });

          // A new resident's first message after Redis returned reaches the console that stayed open.
          Set<Long> before = openCases(chief);
          assertThat(Await.result(load.deliver("rd-after", "Urd-after", false))).isEqualTo(200);
          Set<Long> after = openCases(chief);
          after.removeAll(before);
          assertThat(after).hasSize(1);
          long newCase = after.iterator().next();
          Await.until(Duration.ofSeconds(30), "the console's live stream shows case " + newCase,
              () -> live.hasCase(newCase));
        } finally {
          load.stop();
          live.close();
        }
      }
    }
  }

  private static Set<Long> openCases(RunningGateway.StaffClient staff) {
    return staff.get("/api/cases?status=open").bodyAsJsonObject().getJsonArray("items").stream()
        .map(o -> ((JsonObject) o).getLong("id")).collect(Collectors.toCollection(HashSet::new));
  }
}
