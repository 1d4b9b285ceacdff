package jp.kurashi.connectors.line;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.CaseEvent;
import jp.kurashi.core.domain.CaseMessage;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** LINE unsend (issue 14, item 12): the message a resident takes back is erased, not only hidden. */
@ExtendWith(VertxExtension.class)
@DisplayName("A LINE message the resident unsends")
class LineUnsendTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private LineServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new LineServer(vertx);
    // LineEvents gives the text of event e1 LINE's message id "me1", the image of event i1 "imgi1".
    assertThat(server.post(LineEvents.callback(LineEvents.text("e1", "U1", "夫から逃げたい。住所は北区王子1-2-3"),
        LineEvents.text("e2", "U1", "よろしくお願いします"), LineEvents.image("i1", "U1"))).statusCode()).isEqualTo(200);
    Await.until(WAIT, "image bytes stored", () -> server.count("SELECT count(*) FROM attachment") == 1);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private String body(String eventId) {
    return server.one("SELECT body FROM message WHERE external_id = $1", eventId).getString(0);
  }

  private long audits() {
    return server.count("SELECT count(*) FROM audit_log WHERE action = 'message.unsent'");
  }

  @Test
  @DisplayName("erases its text from the database, shows staff that it was unsent (live, to an open thread too), and audits it once")
  void erased() {
    List<CaseEvent> unsent = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.events.subscribe(e -> {
      if (CaseEvent.MESSAGE_UNSENT.equals(e.type())) {
        unsent.add(e);
      }
    });
    assertThat(server.post(LineEvents.callback(LineEvents.unsend("u1", "U1", "me1"))).statusCode()).isEqualTo(200);

    assertThat(body("e1")).isEmpty();
    assertThat(server.count("SELECT count(*) FROM message WHERE body LIKE '%王子%'")).isZero();
    assertThat(body("e2")).isEqualTo("よろしくお願いします");
    assertThat(audits()).isOne();
    long caseId = server.one("SELECT case_id FROM message WHERE external_id = 'e1'").getLong(0);
    CaseStore cases = new CaseStore(server.db.pool(), server.clock);
    List<CaseMessage> thread = Await.result(cases.detail(Await.result(cases.find(caseId)).orElseThrow())).messages();
    assertThat(thread).filteredOn(CaseMessage::unsent).singleElement()
        .satisfies(m -> assertThat(m.text()).isEmpty());

    assertThat(server.post(LineEvents.callback(LineEvents.unsend("u1", "U1", "me1"))).statusCode()).isEqualTo(200);
    assertThat(server.post(LineEvents.callback(LineEvents.unsend("u1b", "U1", "me1"))).statusCode()).isEqualTo(200);
    assertThat(audits()).as("taken back once, audited once").isOne();
    Await.until(WAIT, "consoles told", () -> !unsent.isEmpty());
    assertThat(unsent).singleElement().satisfies(e -> {
      assertThat(e.caseId()).isEqualTo(caseId);
      assertThat(e.messageId()).isEqualTo(server.one("SELECT id FROM message WHERE external_id = 'e1'").getLong(0));
    });
  }

  @Test
  @DisplayName("deletes the bytes of an unsent image")
  void image() {
    assertThat(server.post(LineEvents.callback(LineEvents.unsend("u2", "U1", "imgi1"))).statusCode()).isEqualTo(200);

    assertThat(server.count("SELECT count(*) FROM attachment")).isZero();
    assertThat(server.count("SELECT count(*) FROM message WHERE unsent_at IS NOT NULL")).isOne();
  }

  @Test
  @DisplayName("ignores an unknown message id and another user's unsend of this resident's message")
  void unknownOrOtherUser() {
    assertThat(server.post(LineEvents.callback(LineEvents.unsend("u3", "U1", "no-such-message"))).statusCode())
        .isEqualTo(200);
    assertThat(server.post(LineEvents.callback(LineEvents.unsend("u4", "U2", "me1"))).statusCode()).isEqualTo(200);

    assertThat(body("e1")).startsWith("夫から逃げたい");
    assertThat(audits()).isZero();
  }

  @Test
  @DisplayName("with a wrong signature gets 401 and erases nothing")
  void signature() {
    byte[] body = LineEvents.callback(LineEvents.unsend("u5", "U1", "me1")).encode().getBytes(StandardCharsets.UTF_8);

    assertThat(server.post(body, LineSigner.sign("another-secret", body)).statusCode()).isEqualTo(401);
    assertThat(server.post(body, null).statusCode()).isEqualTo(401);
    assertThat(body("e1")).startsWith("夫から逃げたい");
  }

  @Test
  @DisplayName("erases a message unsent in the same delivery that brought it")
  void sameDelivery() {
    assertThat(server.post(LineEvents.callback(LineEvents.text("e3", "U1", "やっぱり消します"),
        LineEvents.unsend("u6", "U1", "me3"))).statusCode()).isEqualTo(200);

    assertThat(body("e3")).isEmpty();
  }

  @Test
  @DisplayName("taken back before it was stored (its delivery failed, the unsend's did not): the redelivery is acknowledged, never stored")
  void unsentBeforeStored() {
    // LINE names the text of event e9 "me9"; its first delivery got no 200, so nothing of it is here yet.
    assertThat(server.post(LineEvents.callback(LineEvents.unsend("u9", "U1", "me9"))).statusCode()).isEqualTo(200);
    assertThat(server.post(LineEvents.callback(LineEvents.text("e9", "U1", "やっぱり書かなければよかった", true),
        LineEvents.text("e10", "U1", "別の話です", true))).statusCode()).isEqualTo(200);

    assertThat(server.count("SELECT count(*) FROM message WHERE external_id = 'e9'")).isZero();
    assertThat(server.count("SELECT count(*) FROM message WHERE body LIKE '%書かなければ%'")).isZero();
    assertThat(body("e10")).as("the other message of the delivery").isEqualTo("別の話です");
    assertThat(server.metrics.value("line_events_total", "kind", "unsent_before_stored")).isEqualTo(1);
    // Another resident's message of the same LINE id is theirs, and stored.
    assertThat(server.post(LineEvents.callback(LineEvents.text("e9", "U2", "こんにちは", true))).statusCode()).isEqualTo(200);
    assertThat(server.count("SELECT count(*) FROM message WHERE body = 'こんにちは'")).isOne();
  }

  @Test
  @DisplayName("an unsend that overtook its message's first delivery (still committing) erases the message once it is in")
  void unsendOvertookDelivery() {
    // The unsend is handled first; the message's own delivery (not a redelivery) comes right after.
    assertThat(server.post(LineEvents.callback(LineEvents.unsend("u11", "U1", "me11"))).statusCode()).isEqualTo(200);
    assertThat(server.post(LineEvents.callback(LineEvents.text("e11", "U1", "送らなければよかった"))).statusCode())
        .isEqualTo(200);
    assertThat(body("e11")).as("stored at first").isEqualTo("送らなければよかった");

    Await.until(WAIT, "erased by the unsend's second try", () -> body("e11").isEmpty());
    assertThat(server.count("SELECT count(*) FROM message WHERE body LIKE '%送らなければ%'")).isZero();
  }
}
