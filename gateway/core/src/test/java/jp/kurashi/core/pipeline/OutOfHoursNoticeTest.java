package jp.kurashi.core.pipeline;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.office.OfficeProfileJson;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.store.ContactStore;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.TestDatabases;
import jp.kurashi.core.store.TriageStore;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageRules;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import java.time.Clock;
import jp.kurashi.testkit.TestClocks;

@ExtendWith(VertxExtension.class)
@DisplayName("The out-of-hours notice")
class OutOfHoursNoticeTest {

  private final Clock clock = TestClocks.ambient();

  private static final ZoneId TOKYO = ZoneId.of("Asia/Tokyo");
  private static final TriageEngine ENGINE = new TriageEngine(TriageRules.bundled());
  private final OfficeProfile profile = OfficeProfileJson.defaults();
  private Database db;
  private InboundPipeline pipeline;
  private long office;

  @BeforeEach
  void setUp(Vertx vertx) {
    db = TestDatabases.fresh(vertx);
    office = TestDatabases.defaultOffice(db);
    MessageStore messages = new MessageStore(db.pool(), clock);
    CaseEvents events = CaseEvents.inProcess(vertx);
    ReplyQueue replies = new ReplyQueue(vertx, messages, events, clock);
    pipeline = new InboundPipeline(office, messages, events, List.of(new TriageStep(vertx, office, ENGINE,
        new TriageStore(db.pool(), clock), events,
        new AutomaticNotice(profile, replies, Duration.ofHours(12), Duration.ofMinutes(30)), clock)));
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  private void receive(String id, ZonedDateTime at) {
    Await.result(pipeline.receive(new InboundMessage("line", id, "U1", null, "夜分にすみません", at.toInstant())));
  }

  private List<Row> notices() {
    var rows = Await.result(db.pool().query(
        "SELECT m.body, o.status FROM message m JOIN outbox o ON o.message_id = m.id WHERE m.staff_id IS NULL").execute());
    List<Row> list = new java.util.ArrayList<>();
    rows.forEach(list::add);
    return list;
  }

  @Test
  @DisplayName("tells a resident writing on Friday night that staff answer on Monday at 9:00, with the crisis lines")
  void fridayNight() {
    receive("n-1", ZonedDateTime.of(2026, 11, 27, 22, 0, 0, 0, TOKYO));

    Await.until(Duration.ofSeconds(10), "notice queued", () -> notices().size() == 1);
    String body = notices().get(0).getString("body");
    assertThat(body).contains("11月30日(月) 9:00").contains("0120-279-338");
    assertThat(notices().get(0).getString("status")).isEqualTo("pending");
  }

  @Test
  @DisplayName("is sent once for a night of messages, and never during opening hours")
  void onceAndOnlyWhenClosed() throws Exception {
    receive("d-1", ZonedDateTime.of(2026, 11, 26, 10, 0, 0, 0, TOKYO));
    Thread.sleep(300);
    assertThat(notices()).isEmpty();

    receive("n-1", ZonedDateTime.of(2026, 11, 26, 23, 0, 0, 0, TOKYO));
    receive("n-2", ZonedDateTime.of(2026, 11, 26, 23, 5, 0, 0, TOKYO));
    receive("n-3", ZonedDateTime.of(2026, 11, 26, 23, 10, 0, 0, TOKYO));
    Thread.sleep(500);
    assertThat(notices()).hasSize(1);
  }

  @Test
  @DisplayName("to a resident whose language is not known yet: English first and Japanese after when they wrote in another script, else Japanese")
  void languageNotKnownYet() {
    ZonedDateTime night = ZonedDateTime.of(2026, 11, 27, 22, 0, 0, 0, TOKYO);
    Await.result(pipeline.receive(new InboundMessage("mail", "<v-1@example.vn>", "lan@example.vn", null,
        "Xin chào, tôi bị mất việc và không còn tiền mua thức ăn.", night.toInstant(), List.of(), "Xin giúp đỡ", false,
        null)));
    Await.result(pipeline.receive(new InboundMessage("mail", "<j-1@example.jp>", "taro@example.jp", null,
        "家賃が払えません", night.toInstant(), List.of(), "相談", false, null)));

    Await.result(pipeline.receive(new InboundMessage("mail", "<k-1@example.jp>", "kanji@example.jp", null,
        "至急", night.toInstant(), List.of(), "生活保護申請", false, null)));
    Await.result(pipeline.receive(new InboundMessage("line", "img-1", "U-photo", null, "[画像]", night.toInstant())));

    Await.until(Duration.ofSeconds(10), "four notices queued", () -> notices().size() == 4);
    String toVietnamese = body("lan@example.vn");
    assertThat(toVietnamese).startsWith("We have received your message").contains("Mon 30 Nov, 9:00");
    assertThat(toVietnamese.indexOf("11月30日(月) 9:00")).as("the Japanese after it")
        .isGreaterThan(toVietnamese.indexOf("Mon 30 Nov, 9:00"));
    for (String japanese : List.of("taro@example.jp", "kanji@example.jp", "U-photo")) {
      assertThat(body(japanese)).as(japanese).contains("11月30日(月) 9:00").doesNotContain("We have received your message");
    }
  }

  private String body(String contact) {
    return Await.result(db.pool().preparedQuery("""
        SELECT m.body FROM message m JOIN contact k ON k.id = m.contact_id
         WHERE k.external_id = $1 AND m.direction = 'out'""").execute(io.vertx.sqlclient.Tuple.of(contact)))
        .iterator().next().getString(0);
  }

  @Test
  @DisplayName("writes to a resident who chose English in English, and to one who cannot be reached not at all")
  void contactsLanguageAndReach() throws Exception {
    Await.result(new ContactStore(db.pool(), clock).recordConsent(office, "line", "U-en", "v1", "en"));
    Await.result(pipeline.receive(new InboundMessage("line", "en-1", "U-en", null, "Hello, I need help",
        ZonedDateTime.of(2026, 11, 27, 22, 0, 0, 0, TOKYO).toInstant())));
    Await.until(Duration.ofSeconds(10), "notice queued", () -> notices().size() == 1);
    assertThat(notices().get(0).getString("body")).startsWith("We have received your message")
        .contains("Mon 30 Nov, 9:00");

    Await.result(new ContactStore(db.pool(), clock).recordConsent(office, "line", "U-gone", "v1", null));
    Await.result(new ContactStore(db.pool(), clock).setReachable(office, "line", "U-gone", false));
    Await.result(pipeline.receive(new InboundMessage("line", "gone-1", "U-gone", null, "もう一度",
        ZonedDateTime.of(2026, 11, 27, 22, 30, 0, 0, TOKYO).toInstant())));
    long caseOfGone = Await.result(db.pool().query(
        "SELECT c.id FROM consultation_case c JOIN contact k ON k.id = c.contact_id WHERE k.external_id = 'U-gone'")
        .execute()).iterator().next().getLong(0);
    Thread.sleep(500); // the after-commit step runs on its own; give it time to do the wrong thing
    assertThat(notices()).hasSize(1);
    assertThat(Await.result(db.pool().query("SELECT auto_notice_at FROM consultation_case WHERE id = " + caseOfGone)
        .execute()).iterator().next().getValue(0)).as("slot not taken for an unreachable resident").isNull();
  }

  @Test
  @DisplayName("formats the next opening in English too")
  void english() {
    assertThat(OutOfHoursNotice.describe(ZonedDateTime.of(2026, 11, 30, 9, 0, 0, 0, TOKYO), "en"))
        .isEqualTo("Mon 30 Nov, 9:00");
  }
}
