package jp.kurashi.connectors.line;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consent on LINE for a resident who writes before agreeing: asked once per notice version, nothing ordinary sent
 * before they agree, the safety message and the crisis alert all the same. The desk is closed (a night clock), so
 * every message would otherwise get the out-of-hours notice.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("LINE consent before the first answer")
class LineConsentTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private LineServer server;
  private final List<CaseEvent> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start(Vertx vertx) {
    var profile = jp.kurashi.core.office.OfficeProfileJson.defaults();
    server = new LineServer(vertx, TestClocks.next(LocalTime.of(3, 0), t -> !profile.hours().isOpen(t)), true);
    server.events.subscribe(events::add);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Posts one text message and waits until every after-commit step has run on it (its received event). */
  private void write(String eventId, String user, String text) {
    long before = received();
    assertThat(server.post(LineEvents.callback(LineEvents.text(eventId, user, text))).statusCode()).isEqualTo(200);
    Await.until(WAIT, "steps of " + eventId, () -> received() > before);
  }

  private long received() {
    return events.stream().filter(e -> CaseEvent.MESSAGE_RECEIVED.equals(e.type())).count();
  }

  /** Every message LINE was asked to show (replies and pushes). */
  private List<JsonObject> sent() {
    List<JsonObject> out = new ArrayList<>();
    server.line.replies.forEach(c -> c.body().getJsonArray("messages").forEach(m -> out.add((JsonObject) m)));
    server.line.pushes.forEach(c -> c.body().getJsonArray("messages").forEach(m -> out.add((JsonObject) m)));
    return out;
  }

  private List<String> outbound(String user) {
    List<String> out = new ArrayList<>();
    Await.result(server.db.pool().preparedQuery("""
            SELECT m.body FROM message m JOIN contact k ON k.id = m.contact_id
             WHERE k.external_id = $1 AND m.direction = 'out' ORDER BY m.id""")
        .execute(io.vertx.sqlclient.Tuple.of(user))).forEach(r -> out.add(r.getString(0)));
    return out;
  }

  private String notice() {
    return server.profile.privacyNotice().in("ja");
  }

  private String outOfHoursStart() {
    return server.profile.outOfHours().in("ja").substring(0, 20);
  }

  @Test
  @DisplayName("the first message gets one consent request with the agree button; the second gets none; no out-of-hours notice before consent")
  void askedOnce() {
    write("e1", "U1", "家賃が払えなくて困っています");
    Await.until(WAIT, "consent request delivered", () -> sent().size() == 1);
    JsonObject request = sent().get(0);
    assertThat(request.getString("text")).contains(notice()).contains("同意して相談する");
    JsonArray items = request.getJsonObject("quickReply").getJsonArray("items");
    assertThat(items.getJsonObject(0).getJsonObject("action").getString("data"))
        .isEqualTo("kurashi:consent:" + server.profile.privacyNoticeVersion());
    assertThat(server.one("SELECT consent_asked_version FROM contact WHERE external_id = 'U1'").getString(0))
        .isEqualTo(server.profile.privacyNoticeVersion());

    write("e2", "U1", "どうしたらいいですか");

    assertThat(outbound("U1")).hasSize(1).allSatisfy(body -> assertThat(body).contains(notice()));
    assertThat(outbound("U1")).noneMatch(body -> body.startsWith(outOfHoursStart()));
  }

  @Test
  @DisplayName("a consent request that could not be queued leaves the contact unasked, so the next message asks")
  void requestFailedIsAskedAgain() {
    // The outbox refuses every row for now, as a dropped connection would the request's statement.
    Await.result(server.db.pool().query("CREATE FUNCTION refuse_outbox() RETURNS trigger LANGUAGE plpgsql AS $$ "
        + "BEGIN RAISE EXCEPTION 'outbox unavailable'; END $$").execute());
    Await.result(server.db.pool().query("CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox "
        + "FOR EACH ROW EXECUTE FUNCTION refuse_outbox()").execute());
    write("e1", "U1", "家賃が払えなくて困っています");
    assertThat(server.one("SELECT consent_asked_version IS NULL FROM contact WHERE external_id = 'U1'").getBoolean(0))
        .as("not marked asked without its request").isTrue();
    assertThat(outbound("U1")).isEmpty();
    Await.result(server.db.pool().query("DROP TRIGGER refuse_outbox ON outbox").execute());

    write("e2", "U1", "どうしたらいいですか");
    Await.until(WAIT, "consent request delivered", () -> sent().size() == 1);
    assertThat(sent().get(0).getString("text")).contains(notice());
    assertThat(outbound("U1")).hasSize(1);
  }

  @Test
  @DisplayName("events on standby (another channel of the account is active) are acknowledged; nothing is stored or sent")
  void standby() {
    assertThat(server.post(LineEvents.callback(LineEvents.standby(LineEvents.follow("sf", "U3")),
        LineEvents.standby(LineEvents.text("st", "U3", "もう死にたい")))).statusCode()).isEqualTo(200);
    // An active message after them: once its consent request is out, a greeting or notice of theirs would be too.
    write("a1", "U4", "家賃が払えなくて困っています");
    Await.until(WAIT, "U4's consent request delivered", () -> sent().size() == 1);

    assertThat(server.count("SELECT count(*) FROM contact WHERE external_id = 'U3'")).isZero();
    assertThat(server.count("SELECT count(*) FROM message WHERE external_id IN ('sf', 'st')")).isZero();
    assertThat(server.line.pushes).noneMatch(c -> "U3".equals(c.body().getString("to")));
    assertThat(sent()).as("U4's consent request only").hasSize(1);
    assertThat(server.metrics.value("line_events_total", "kind", "standby")).isEqualTo(2);
  }

  @Test
  @DisplayName("a crisis before consent still gets the safety message and raises the crisis alert, then the consent request")
  void crisisBeforeConsent() {
    write("c1", "U2", "もう死にたい。消えてしまいたい");

    assertThat(events).anyMatch(e -> CaseEvent.CASE_CRISIS.equals(e.type()));
    List<String> out = outbound("U2");
    assertThat(out).hasSize(2);
    assertThat(out.get(0)).contains(server.profile.hotlinesText("ja")).doesNotContain(notice());
    assertThat(out.get(1)).contains(notice());
    Await.until(WAIT, "both delivered", () -> sent().size() == 2);
  }

  @Test
  @DisplayName("after the button is pressed, consent is recorded and the ordinary notices resume, with no second request")
  void afterConsent() {
    write("e1", "U3", "相談があります");
    server.post(LineEvents.callback(LineEvents.postback("p1", "U3",
        "kurashi:consent:" + server.profile.privacyNoticeVersion())));
    assertThat(server.one("SELECT consent_version FROM contact WHERE external_id = 'U3'").getString(0))
        .isEqualTo(server.profile.privacyNoticeVersion());

    write("e2", "U3", "続きです");

    List<String> out = outbound("U3");
    assertThat(out).hasSize(2);
    assertThat(out.get(1)).startsWith(outOfHoursStart()).doesNotContain(notice());
    // The notice after consent carries no agree button.
    Await.until(WAIT, "delivered", () -> sent().stream().anyMatch(m -> m.getString("text").startsWith(outOfHoursStart())));
    assertThat(sent().stream().filter(m -> m.getString("text").startsWith(outOfHoursStart())))
        .allSatisfy(m -> assertThat(m.getValue("quickReply")).isNull());
  }
  @Test
  @DisplayName("a consent whose first delivery failed is recorded from LINE's redelivery, and thanked once")
  void consentAfterOneFailure() {
    // The consent's statement fails once, as in a database blip after the event was first seen.
    server.execute("CREATE SEQUENCE consent_once");
    server.execute("""
        CREATE FUNCTION consent_once_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.consent_version IS NOT NULL AND nextval('consent_once') = 1 THEN
            RAISE EXCEPTION 'blip' USING ERRCODE = 'serialization_failure';
          END IF;
          RETURN NEW;
        END $$""");
    server.execute("CREATE TRIGGER consent_once_guard BEFORE INSERT OR UPDATE ON contact FOR EACH ROW "
        + "EXECUTE FUNCTION consent_once_guard()");
    String consent = "kurashi:consent:" + server.profile.privacyNoticeVersion();

    assertThat(server.post(LineEvents.callback(LineEvents.postback("p1", "U7", consent))).statusCode())
        .as("not stored: LINE redelivers").isNotEqualTo(200);
    assertThat(server.post(LineEvents.callback(LineEvents.postback("p1", "U7", consent))).statusCode()).isEqualTo(200);
    assertThat(server.post(LineEvents.callback(LineEvents.postback("p1", "U7", consent))).statusCode()).isEqualTo(200);

    assertThat(server.one("SELECT consent_version FROM contact WHERE external_id = 'U7'").getString(0))
        .isEqualTo(server.profile.privacyNoticeVersion());
    Await.until(WAIT, "consent thanked", () -> server.line.replies.size() == 1);
  }
}
