package jp.kurashi.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Consultations staff record (phone, window, outreach, referral) and the route, contacts made and follow-up of any
 * case (issue 16 items 1 and 2), on a real gateway. The desk is closed, so any automatic notice would be queued.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Staff-recorded consultations")
class StaffRecordedCaseTest {

  private RunningGateway running;
  private Database db;
  private RunningGateway.StaffClient tanaka;

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), RunningGateway.deskClosed());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    tanaka = running.staff("tanaka", Role.CONSULTANT);
  }

  @AfterEach
  void stop() {
    Await.result(db.close());
    running.close();
  }

  private String minutesAgo(int minutes) {
    return running.clock.instant().minus(Duration.ofMinutes(minutes)).toString();
  }

  private String today() {
    return LocalDate.now(running.clock.withZone(ZoneId.of("Asia/Tokyo"))).toString();
  }

  private JsonObject phone(String text) {
    return new JsonObject().put("route", "phone").put("consulter", "family").put("name", "山田 花子")
        .put("text", text).put("at", minutesAgo(30));
  }

  private long record(RunningGateway.StaffClient who, JsonObject body) {
    var created = who.post("/api/cases", body, true);
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return created.bodyAsJsonObject().getLong("id");
  }

  private long count(String sql) {
    Row row = Await.result(db.pool().query(sql).execute()).iterator().next();
    return row.getLong(0);
  }

  private JsonObject inQueue(RunningGateway.StaffClient who, String query, long caseId) {
    JsonArray items = who.get("/api/cases" + query).bodyAsJsonObject().getJsonArray("items");
    return items.stream().map(JsonObject.class::cast).filter(c -> c.getLong("id") == caseId).findFirst().orElse(null);
  }

  @Test
  @DisplayName("a phone consultation is in the queue, triaged, assigned to its recorder, and readable with its text")
  void phoneInQueue() {
    long caseId = record(tanaka, phone("家賃を3か月滞納していて、来月退去を求められています"));

    JsonObject summary = inQueue(running.chief(), "", caseId);
    assertThat(summary).isNotNull();
    assertThat(summary.getString("channel")).isEqualTo("phone");
    assertThat(summary.getString("route")).isEqualTo("phone");
    assertThat(summary.getBoolean("noChannel")).isTrue();
    assertThat(summary.getString("consulter")).isEqualTo("family");
    assertThat(summary.getJsonArray("categories")).isNotEmpty();
    assertThat(count("SELECT count(*) FROM triage_result WHERE case_id = "
        + caseId)).isEqualTo(1);

    var read = tanaka.get("/api/cases/" + caseId);
    assertThat(read.statusCode()).as(read.bodyAsString()).isEqualTo(200);
    JsonObject detail = read.bodyAsJsonObject();
    assertThat(detail.getLong("assigneeId")).isNotNull();
    assertThat(detail.getString("contactName")).isEqualTo("山田 花子");
    JsonObject first = detail.getJsonArray("messages").getJsonObject(0);
    assertThat(first.getString("direction")).isEqualTo("in");
    assertThat(first.getString("text")).contains("滞納");
    assertThat(count("SELECT count(*) FROM consultation_case WHERE id = " + caseId + " AND channel = 'phone'"))
        .as("the monthly report counts it by route").isEqualTo(1);
    assertThat(count("SELECT count(*) FROM audit_log WHERE case_id = " + caseId + " AND action = 'case.record'"))
        .isEqualTo(1);

    // Search finds it by its text, as it finds a resident's message.
    var found = tanaka.get("/api/cases?q=" + java.net.URLEncoder.encode("退去", java.nio.charset.StandardCharsets.UTF_8));
    assertThat(found.bodyAsJsonObject().getJsonArray("items").size()).isEqualTo(1);
  }

  @Test
  @DisplayName("a crisis told by phone is a crisis and alerts consoles; no notice is queued and a reply is refused")
  void crisisWithoutNotice(Vertx vertx) {
    RunningGateway.StaffClient chief = running.chief();
    try (LiveEventsStream live = LiveEventsStream.open(vertx, running.gateway.httpPort(), chief.cookie)) {
      long caseId = record(tanaka, phone("もう死にたい。消えてしまいたいと話していました").put("name", ""));
      Await.until(Duration.ofSeconds(10), "crisis event", () -> live.events.stream()
          .anyMatch(e -> "case.crisis".equals(e.getString("type")) && e.getLong("caseId") == caseId));
      assertThat(inQueue(chief, "", caseId).getString("urgency")).isEqualTo("crisis");
      assertThat(chief.get("/api/cases/" + caseId).bodyAsJsonObject().getString("contactName"))
          .as("an anonymous consultation").isNull();

      var reply = tanaka.post("/api/cases/" + caseId + "/replies", new JsonObject().put("text", "ご連絡します"), true);
      assertThat(reply.statusCode()).isEqualTo(409);
      assertThat(reply.bodyAsJsonObject().getString("error")).isEqualTo("no_channel");
      assertThat(tanaka.post("/api/cases/" + caseId + "/notes", new JsonObject().put("text", "折り返し予定"), true)
          .statusCode()).as("notes still work").isEqualTo(201);

      assertThat(count("SELECT count(*) FROM outbox")).as("no safety message, notice or reply queued").isZero();
      assertThat(count("SELECT count(*) FROM message WHERE case_id = " + caseId + " AND direction = 'out'")).isZero();
    }
  }

  @Test
  @DisplayName("a record form sent twice (a double click, a lost answer) opens one case; another recorder's same draft is theirs")
  void recordDraftOnce() {
    JsonObject body = phone("家賃が払えないと電話がありました").put("draftId", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d");

    List<io.vertx.ext.web.client.HttpResponse<io.vertx.core.buffer.Buffer>> both = List.of(
        tanaka.post("/api/cases", body, true), tanaka.post("/api/cases", body, true));

    assertThat(both).allSatisfy(r -> assertThat(r.statusCode()).isEqualTo(201));
    assertThat(both.get(0).bodyAsJsonObject().getBoolean("alreadyRecorded")).isFalse();
    assertThat(both.get(1).bodyAsJsonObject().getBoolean("alreadyRecorded")).isTrue();
    long caseId = both.get(0).bodyAsJsonObject().getLong("id");
    assertThat(both.get(1).bodyAsJsonObject().getLong("id")).isEqualTo(caseId);
    assertThat(count("SELECT count(*) FROM consultation_case WHERE channel = 'phone'")).isOne();
    assertThat(count("SELECT count(*) FROM triage_result WHERE case_id = " + caseId)).isOne();

    RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
    assertThat(record(sato, body)).as("another recorder's draft of the same id").isNotEqualTo(caseId);
    assertThat(count("SELECT count(*) FROM consultation_case WHERE channel = 'phone'")).isEqualTo(2);
    assertThat(tanaka.post("/api/cases", body.copy().put("draftId", "not-a-uuid"), true).statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("a referral needs an active agency of the office, and takes it as its referral source")
  void referral() {
    long agency = count("SELECT min(id) FROM agency");
    JsonObject body = new JsonObject().put("route", "referral").put("consulter", "agency").put("text", "就労の相談")
        .put("at", minutesAgo(5));
    var without = tanaka.post("/api/cases", body, true);
    assertThat(without.statusCode()).isEqualTo(400);
    assertThat(without.bodyAsJsonObject().getString("error")).isEqualTo("agency_required");
    var unknown = tanaka.post("/api/cases", body.copy().put("agencyId", 999_999), true);
    assertThat(unknown.statusCode()).isEqualTo(400);
    assertThat(unknown.bodyAsJsonObject().getString("error")).isEqualTo("unknown_agency");

    long caseId = record(tanaka, body.copy().put("agencyId", agency));
    JsonObject detail = tanaka.get("/api/cases/" + caseId).bodyAsJsonObject();
    assertThat(detail.getString("route")).isEqualTo("referral");
    assertThat(detail.getString("referralSource")).isEqualTo("agency");
    assertThat(detail.getLong("referralAgencyId")).isEqualTo(agency);
    assertThat(detail.getString("referralAgency")).isEqualTo("ハローワーク");
    assertThat(count("SELECT count(*) FROM consultation_case")).as("nothing stored for the refused ones").isEqualTo(1);
  }

  @Test
  @DisplayName("refuses a bad route, consulter, empty text, a future or year-old time, and the administrator")
  void validation() {
    assertThat(tanaka.post("/api/cases", phone("x").put("route", "line"), true).statusCode()).isEqualTo(400);
    assertThat(tanaka.post("/api/cases", phone("x").put("consulter", "boss"), true).statusCode()).isEqualTo(400);
    assertThat(tanaka.post("/api/cases", phone(" "), true).statusCode()).isEqualTo(400);
    assertThat(tanaka.post("/api/cases", phone("x").put("at", running.clock.instant().plusSeconds(3600).toString()),
        true).statusCode()).isEqualTo(400);
    assertThat(tanaka.post("/api/cases", phone("x").put("at", running.clock.instant().minus(Duration.ofDays(400))
        .toString()), true).statusCode()).isEqualTo(400);
    assertThat(tanaka.post("/api/cases", phone("x").put("at", "yesterday"), true).statusCode()).isEqualTo(400);
    RunningGateway.StaffClient admin = running.client();
    admin.login("admin", RunningGateway.ADMIN_PASSWORD);
    assertThat(admin.post("/api/cases", phone("x"), true).statusCode()).isEqualTo(403);
    assertThat(count("SELECT count(*) FROM consultation_case")).isZero();
  }

  @Test
  @DisplayName("contacts made and the follow-up day: listed, and the queue marks and filters the follow-ups due")
  void contactsAndFollowUp() {
    long due = record(tanaka, phone("生活費が足りません"));
    long later = record(tanaka, phone("仕事を探しています").put("route", "walk_in").put("consulter", "self"));

    var call = tanaka.post("/api/cases/" + due + "/contacts", new JsonObject().put("kind", "phone_call")
        .put("at", minutesAgo(10)).put("note", "折り返しの電話。面談日を調整"), true);
    assertThat(call.statusCode()).as(call.bodyAsString()).isEqualTo(201);
    assertThat(tanaka.post("/api/cases/" + due + "/contacts", new JsonObject().put("kind", "visit")
        .put("at", minutesAgo(5)), true).statusCode()).isEqualTo(201);
    assertThat(tanaka.post("/api/cases/" + due + "/contacts", new JsonObject().put("kind", "lunch")
        .put("at", minutesAgo(5)), true).statusCode()).isEqualTo(400);
    JsonArray contacts = tanaka.get("/api/cases/" + due + "/contacts").bodyAsJsonObject().getJsonArray("items");
    assertThat(contacts).hasSize(2);
    assertThat(contacts.getJsonObject(0).getString("kind")).isEqualTo("phone_call");
    assertThat(contacts.getJsonObject(0).getString("staffName")).isEqualTo("職員 tanaka");

    String tomorrow = LocalDate.parse(today()).plusDays(1).toString();
    assertThat(tanaka.send(HttpMethod.PUT, "/api/cases/" + due + "/follow-up", new JsonObject().put("on", today()), true)
        .statusCode()).isEqualTo(200);
    assertThat(tanaka.send(HttpMethod.PUT, "/api/cases/" + later + "/follow-up", new JsonObject().put("on", tomorrow),
        true).statusCode()).isEqualTo(200);
    assertThat(tanaka.send(HttpMethod.PUT, "/api/cases/" + later + "/follow-up",
        new JsonObject().put("on", "2020-01-01"), true).statusCode()).as("a day gone by").isEqualTo(400);

    RunningGateway.StaffClient chief = running.chief();
    JsonObject dueSummary = inQueue(chief, "", due);
    assertThat(dueSummary.getString("followUpOn")).isEqualTo(today());
    assertThat(dueSummary.getBoolean("followUpDue")).isTrue();
    assertThat(inQueue(chief, "", later).getBoolean("followUpDue")).isFalse();
    JsonObject page = chief.get("/api/cases?followUp=due").bodyAsJsonObject();
    assertThat(page.getJsonArray("items")).hasSize(1);
    assertThat(page.getJsonArray("items").getJsonObject(0).getLong("id")).isEqualTo(due);
    assertThat(page.getInteger("followUpsDue")).isEqualTo(1);

    assertThat(tanaka.send(HttpMethod.PUT, "/api/cases/" + due + "/follow-up", new JsonObject().putNull("on"), true)
        .statusCode()).isEqualTo(200);
    assertThat(chief.get("/api/cases?followUp=due").bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }

  @Test
  @DisplayName("a contact form sent twice (a double click, a lost answer) records one contact; changed, it is refused")
  void contactDraftOnce() {
    long caseId = record(tanaka, phone("家賃の相談"));
    JsonObject visit = new JsonObject().put("kind", "visit").put("at", minutesAgo(20)).put("note", "自宅を訪問")
        .put("draftId", "0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9");
    String path = "/api/cases/" + caseId + "/contacts";

    var first = tanaka.post(path, visit, true);
    var again = tanaka.post(path, visit, true);
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    assertThat(again.statusCode()).as(again.bodyAsString()).isEqualTo(201);
    assertThat(first.bodyAsJsonObject().getBoolean("alreadyRecorded")).isFalse();
    assertThat(again.bodyAsJsonObject().getBoolean("alreadyRecorded")).isTrue();
    assertThat(again.bodyAsJsonObject().getLong("id")).isEqualTo(first.bodyAsJsonObject().getLong("id"));
    assertThat(count("SELECT count(*) FROM case_contact_log WHERE case_id = " + caseId)).isOne();

    var changed = tanaka.post(path, visit.copy().put("note", "電話で話した"), true);
    assertThat(changed.statusCode()).isEqualTo(409);
    assertThat(changed.bodyAsJsonObject().getString("error")).isEqualTo("draft_sent");
    assertThat(count("SELECT count(*) FROM case_contact_log WHERE case_id = " + caseId)).isOne();

    assertThat(tanaka.post(path, visit.copy().put("kind", "phone_call"), true).statusCode()).as("another kind").isEqualTo(409);
    assertThat(tanaka.post(path, visit.copy().put("at", minutesAgo(21)), true).statusCode()).as("another time")
        .isEqualTo(409);
    assertThat(tanaka.post(path, withoutDraft(visit), true).statusCode())
        .as("without a draft id, every send records").isEqualTo(201);
    assertThat(tanaka.post(path, visit.copy().put("draftId", "not-a-uuid"), true).statusCode()).isEqualTo(400);
    assertThat(count("SELECT count(*) FROM case_contact_log WHERE case_id = " + caseId)).isEqualTo(2);
  }

  @Test
  @DisplayName("one contact draft sent twice at once (a double click on two slow lines) is recorded once; both get it")
  void contactDraftTwiceAtOnce() {
    long caseId = record(tanaka, phone("家賃の相談"));
    JsonObject call = new JsonObject().put("kind", "phone_call").put("at", minutesAgo(10)).put("note", "折り返し")
        .put("draftId", "5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a");
    String path = "/api/cases/" + caseId + "/contacts";

    List<HttpResponse<Buffer>> sent = Await.result(Future.all(tanaka.postAsync(path, call), tanaka.postAsync(path, call)))
        .list();
    sent.forEach(r -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201));
    List<JsonObject> answers = sent.stream().map(HttpResponse::bodyAsJsonObject).toList();

    assertThat(answers).extracting(a -> a.getLong("id")).containsOnly(answers.get(0).getLong("id"));
    assertThat(answers).extracting(a -> a.getBoolean("alreadyRecorded")).containsExactlyInAnyOrder(false, true);
    assertThat(count("SELECT count(*) FROM case_contact_log WHERE case_id = " + caseId)).isOne();
  }

  @Test
  @DisplayName("a case merged into another takes no new contact: 409 case_merged naming the case kept; nothing is recorded")
  void contactOnMergedCase() {
    long kept = record(tanaka, phone("家賃の相談"));
    long duplicate = record(tanaka, phone("家賃の件で再度"));
    var merged = running.chief().post("/api/cases/" + duplicate + "/merge", new JsonObject().put("into", kept), true);
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(200);

    var refused = tanaka.post("/api/cases/" + duplicate + "/contacts", new JsonObject().put("kind", "phone_call")
        .put("at", minutesAgo(5)).put("draftId", "6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b"), true);

    assertThat(refused.statusCode()).as(refused.bodyAsString()).isEqualTo(409);
    assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("case_merged");
    assertThat(refused.bodyAsJsonObject().getLong("keptCaseId")).isEqualTo(kept);
    assertThat(count("SELECT count(*) FROM case_contact_log")).isZero();
  }

  @Test
  @DisplayName("a note sent twice at once, or again after a lost answer, is stored once, before or after a merge; edited, it is refused; no new one on a merged case")
  void noteDraftOnce() {
    long caseId = record(tanaka, phone("家賃の相談"));
    String path = "/api/cases/" + caseId + "/notes";
    JsonObject note = new JsonObject().put("text", "来週、家計の見直しを一緒に").put("draftId", "7f6e5d4c-3b2a-4f1e-8d0c-9b8a7f6e5d4c");
    String notes = "SELECT count(*) FROM message WHERE direction = 'note' AND case_id = " + caseId;

    List<HttpResponse<Buffer>> sent = Await.result(Future.all(tanaka.postAsync(path, note), tanaka.postAsync(path, note)))
        .list();
    sent.forEach(r -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201));
    assertThat(sent).extracting(r -> r.bodyAsJsonObject().getLong("messageId"))
        .containsOnly(sent.get(0).bodyAsJsonObject().getLong("messageId"));
    assertThat(sent).extracting(r -> r.bodyAsJsonObject().getBoolean("alreadyRecorded")).containsExactlyInAnyOrder(false, true);
    assertThat(tanaka.post(path, note, true).bodyAsJsonObject().getBoolean("alreadyRecorded")).as("after a lost answer").isTrue();
    assertThat(count(notes)).isOne();

    var edited = tanaka.post(path, note.copy().put("text", "再来週、家計の見直しを一緒に"), true);
    assertThat(edited.statusCode()).isEqualTo(409);
    assertThat(edited.bodyAsJsonObject().getString("error")).isEqualTo("draft_sent");
    assertThat(tanaka.post(path, withoutDraft(note), true).statusCode()).as("without a draft id, every send stores")
        .isEqualTo(201);
    assertThat(count(notes)).isEqualTo(2);

    long kept = record(tanaka, phone("家賃の件で再度"));
    assertThat(running.chief().post("/api/cases/" + caseId + "/merge", new JsonObject().put("into", kept), true).statusCode())
        .isEqualTo(200);
    var merged = tanaka.post(path, new JsonObject().put("text", "統合後のメモ"), true);
    assertThat(merged.statusCode()).as(merged.bodyAsString()).isEqualTo(409);
    assertThat(merged.bodyAsJsonObject().getString("error")).isEqualTo("case_merged");
    assertThat(merged.bodyAsJsonObject().getLong("keptCaseId")).isEqualTo(kept);
    // The first note's answer was lost before the merge: sent again, it is known where the thread went.
    var resent = tanaka.post(path, note, true);
    assertThat(resent.statusCode()).as(resent.bodyAsString()).isEqualTo(201);
    assertThat(resent.bodyAsJsonObject().getBoolean("alreadyRecorded")).isTrue();
    assertThat(resent.bodyAsJsonObject().getLong("messageId")).isEqualTo(sent.get(0).bodyAsJsonObject().getLong("messageId"));
    assertThat(count("SELECT count(*) FROM message WHERE direction = 'note' AND case_id = " + kept)).isEqualTo(2);
  }

  private static JsonObject withoutDraft(JsonObject body) {
    JsonObject copy = body.copy();
    copy.remove("draftId");
    return copy;
  }

  @Test
  @DisplayName("the route of any case: consulter and referral source set by the assignee, shown on the summary")
  void route() {
    long caseId = record(tanaka, phone("家計の相談"));
    RunningGateway.StaffClient chief = running.chief();
    var set = tanaka.send(HttpMethod.PUT, "/api/cases/" + caseId + "/route", new JsonObject().put("consulter", "self")
        .put("referralSource", "neighbour"), true);
    assertThat(set.statusCode()).as(set.bodyAsString()).isEqualTo(200);
    JsonObject summary = inQueue(chief, "", caseId);
    assertThat(summary.getString("consulter")).isEqualTo("self");
    assertThat(summary.getString("referralSource")).isEqualTo("neighbour");

    long agency = count("SELECT min(id) FROM agency");
    assertThat(tanaka.send(HttpMethod.PUT, "/api/cases/" + caseId + "/route", new JsonObject()
        .put("referralSource", "neighbour").put("referralAgencyId", agency), true).statusCode())
        .as("an agency only with source agency").isEqualTo(400);
    assertThat(tanaka.send(HttpMethod.PUT, "/api/cases/" + caseId + "/route", new JsonObject()
        .put("referralSource", "ward_hall"), true).statusCode()).isEqualTo(400);
    assertThat(tanaka.send(HttpMethod.PUT, "/api/cases/" + caseId + "/route", new JsonObject()
        .put("referralSource", "agency").put("referralAgencyId", agency), true).statusCode()).isEqualTo(200);
    assertThat(tanaka.get("/api/cases/" + caseId).bodyAsJsonObject().getString("referralAgency")).isEqualTo("ハローワーク");

    // A handoff of a phone case is recorded and sends nothing; the printable handoff summary shows 相談経路.
    var handoff = tanaka.post("/api/cases/" + caseId + "/handoffs", new JsonObject().put("kind", "outreach")
        .put("note", "月曜に訪問"), true);
    assertThat(handoff.statusCode()).as(handoff.bodyAsString()).isEqualTo(201);
    assertThat(handoff.bodyAsJsonObject().getValue("messageId")).isNull();
    assertThat(count("SELECT count(*) FROM outbox")).isZero();
    long chat = Await.result(running.gateway.pipeline().receive(new jp.kurashi.core.domain.InboundMessage("webchat",
        "w-1", "chat-w", null, "相談です", running.clock.instant()))).caseId();
    assertThat(chief.post("/api/cases/" + chat + "/handoffs", new JsonObject().put("kind", "outreach"), true)
        .statusCode()).as("a case with a channel still needs the confirmation").isEqualTo(400);
    String html = tanaka.get(handoff.bodyAsJsonObject().getString("summaryUrl")).bodyAsString();
    assertThat(html).contains("相談経路").contains("電話").contains("紹介元: 関係機関(ハローワーク)");
  }

  @Test
  @DisplayName("need to know: another consultant can neither read nor change a case someone else recorded")
  void needToKnow() {
    long caseId = record(tanaka, phone("借金の相談"));
    RunningGateway.StaffClient sato = running.staff("sato", Role.CONSULTANT);
    assertThat(sato.get("/api/cases/" + caseId).statusCode()).isEqualTo(403);
    assertThat(sato.get("/api/cases/" + caseId + "/contacts").statusCode()).isEqualTo(403);
    assertThat(sato.send(HttpMethod.PUT, "/api/cases/" + caseId + "/route", new JsonObject().put("consulter", "self"),
        true).statusCode()).isEqualTo(403);
    assertThat(sato.send(HttpMethod.PUT, "/api/cases/" + caseId + "/follow-up", new JsonObject().put("on", today()),
        true).statusCode()).isEqualTo(403);
    assertThat(sato.post("/api/cases/" + caseId + "/contacts", new JsonObject().put("kind", "visit")
        .put("at", minutesAgo(1)), true).statusCode()).isEqualTo(403);
    assertThat(sato.get("/api/cases?q=" + java.net.URLEncoder.encode("借金", java.nio.charset.StandardCharsets.UTF_8))
        .bodyAsJsonObject().getJsonArray("items")).isEmpty();
  }
}
