package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.MovableClock;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, item 7: a staff session ends after SESSION_IDLE_MINUTES without activity as well as at its absolute
 * end; the open event stream is not activity; a stream ends with its session (logout, idle, expiry, the session
 * row deleted, the account deactivated); a session holds at most SSE_MAX_STREAMS_PER_SESSION streams. A real
 * gateway and database on a clock the test moves forward.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Staff session lifetime")
class SessionLifetimeTest {

  private static final Duration ENDS_WITHIN = Duration.ofSeconds(10);

  private final MovableClock clock = new MovableClock(TestClocks.ambient());
  private final List<LiveEventsStream> streams = new ArrayList<>();
  private RunningGateway running;
  private Database db;
  private RunningGateway.StaffClient sato;

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url, "SESSION_IDLE_MINUTES", "30",
        "SESSION_TTL_MINUTES", "120", "SSE_SESSION_CHECK_SECONDS", "1", "SSE_MAX_STREAMS_PER_SESSION", "2"), clock);
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    sato = running.staff("sato", Role.CONSULTANT);
  }

  @AfterEach
  void stop() {
    streams.forEach(LiveEventsStream::close);
    running.close();
    Await.result(db.close());
  }

  private LiveEventsStream stream(RunningGateway.StaffClient client) {
    LiveEventsStream stream = LiveEventsStream.open(running.vertx, running.gateway.httpPort(), client.cookie);
    streams.add(stream);
    return stream;
  }

  private LiveEventsStream attempt(RunningGateway.StaffClient client) {
    LiveEventsStream stream = LiveEventsStream.attempt(running.vertx, running.gateway.httpPort(), client.cookie);
    streams.add(stream);
    return stream;
  }

  private void minutes(int n) {
    clock.advance(Duration.ofMinutes(n));
  }

  private static void unauthorised(HttpResponse<Buffer> r, String error) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(401);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo(error);
  }

  private static JsonObject endedWith(LiveEventsStream stream) {
    JsonObject data = Await.result(stream.sessionEnded.future().timeout(ENDS_WITHIN.toMillis(),
        java.util.concurrent.TimeUnit.MILLISECONDS));
    Await.result(stream.ended.future());
    return data;
  }

  @Test
  @DisplayName("calls within the idle limit keep a session past it; 30 minutes without one end it (401 session_idle)")
  void idleLimit() {
    for (int i = 0; i < 4; i++) {
      minutes(20);
      assertThat(sato.get("/api/cases").statusCode()).as("after %d minutes of use", 20 * (i + 1)).isEqualTo(200);
    }
    minutes(31);
    unauthorised(sato.get("/api/cases"), "session_idle");
    unauthorised(sato.get("/api/session"), "session_idle");
  }

  @Test
  @DisplayName("activity is written at most once a minute, not on every call")
  void activityWrittenOncePerMinute() {
    java.time.OffsetDateTime atLogin = lastSeen();
    for (int i = 0; i < 5; i++) {
      assertThat(sato.get("/api/cases").statusCode()).isEqualTo(200);
    }
    assertThat(lastSeen()).as("calls within the minute").isEqualTo(atLogin);
    minutes(2);
    assertThat(sato.get("/api/cases").statusCode()).isEqualTo(200);
    assertThat(lastSeen()).isAfter(atLogin.plusMinutes(1));
  }

  private java.time.OffsetDateTime lastSeen() {
    return Await.result(db.pool().query("SELECT last_seen_at FROM staff_session s JOIN staff t ON t.id = s.staff_id"
        + " WHERE t.login = 'sato'").execute()).iterator().next().getOffsetDateTime(0);
  }

  @Test
  @DisplayName("an open event stream and the refreshes it triggers do not keep a session alive")
  void streamIsNotActivity() {
    LiveEventsStream stream = stream(sato);
    minutes(20);
    assertThat(sato.backgroundGet("/api/cases").statusCode()).as("a refresh after a live event").isEqualTo(200);
    minutes(11);
    assertThat(endedWith(stream).getString("reason")).isEqualTo("ended");
    unauthorised(sato.get("/api/cases"), "session_idle");
  }

  @Test
  @DisplayName("the absolute limit holds however busy the session is (401 session_expired)")
  void absoluteLimit() {
    for (int i = 0; i < 5; i++) {
      minutes(20);
      assertThat(sato.get("/api/cases").statusCode()).isEqualTo(200);
    }
    minutes(21);
    unauthorised(sato.get("/api/cases"), "session_expired");
  }

  @Test
  @DisplayName("logout ends the session's streams at once with event session-ended; other sessions' streams stay")
  void streamEndsAtLogout() {
    RunningGateway.StaffClient chief = running.chief();
    LiveEventsStream mine = stream(sato);
    LiveEventsStream second = stream(sato);
    LiveEventsStream theirs = stream(chief);
    assertThat(sato.post("/api/logout", new JsonObject(), true).statusCode()).isEqualTo(204);
    assertThat(endedWith(mine).getString("reason")).isEqualTo("logout");
    assertThat(endedWith(second).getString("reason")).isEqualTo("logout");
    assertThat(theirs.ended.future().isComplete()).isFalse();
  }

  @Test
  @DisplayName("a stream ends when its session's row is deleted (logout on another instance, password change)")
  void streamEndsWhenSessionDeleted() {
    LiveEventsStream stream = stream(sato);
    Await.result(db.pool().query("DELETE FROM staff_session WHERE staff_id = (SELECT id FROM staff WHERE login = 'sato')")
        .execute());
    assertThat(endedWith(stream).getString("reason")).isEqualTo("ended");
  }

  @Test
  @DisplayName("a stream ends when the account is deactivated, even with its session row left in place")
  void streamEndsWhenDeactivated() {
    LiveEventsStream stream = stream(sato);
    Await.result(db.pool().query("UPDATE staff SET active = false WHERE login = 'sato'").execute());
    endedWith(stream);
    unauthorised(sato.get("/api/cases"), "unauthenticated");
  }

  @Test
  @DisplayName("a stream ends at the session's absolute end")
  void streamEndsAtExpiry() {
    LiveEventsStream stream = stream(sato);
    for (int i = 0; i < 4; i++) {
      minutes(25);
      assertThat(sato.get("/api/cases").statusCode()).isEqualTo(200);
    }
    assertThat(stream.ended.future().isComplete()).isFalse();
    minutes(25);
    endedWith(stream);
  }

  @Test
  @DisplayName("one stream more than SSE_MAX_STREAMS_PER_SESSION gets 429 too_many_streams; closing one frees its place")
  void streamCap() {
    LiveEventsStream first = stream(sato);
    stream(sato);
    LiveEventsStream third = attempt(sato);
    assertThat(third.status).isEqualTo(429);
    assertThat(third.refusal.getString("error")).isEqualTo("too_many_streams");
    assertThat(stream(running.chief()).status).as("another session is not limited by this one").isEqualTo(200);
    first.close();
    Await.until(ENDS_WITHIN, "a place is free again", () -> {
      LiveEventsStream again = attempt(sato);
      return again.status == 200;
    });
  }
}
