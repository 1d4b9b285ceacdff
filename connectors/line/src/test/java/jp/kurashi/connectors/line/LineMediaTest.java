package jp.kurashi.connectors.line;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resident's photo is part of what LINE was told we have: it is recorded before the 200 and fetched until it is
 * stored, or until LINE no longer has it, whatever happens to the fetch right after the 200.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("LINE media")
class LineMediaTest {

  private static final Duration WAIT = Duration.ofSeconds(15);
  private LineServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new LineServer(vertx);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private long attachments() {
    return server.count("SELECT count(*) FROM attachment");
  }

  private Row media() {
    return server.one("SELECT status, attempts, last_error FROM line_media");
  }

  /** Waits a few retry rounds, so that a fetch that should not happen would have. */
  private static void severalRounds() throws InterruptedException {
    Thread.sleep(LineServer.MEDIA_RETRY.multipliedBy(8).toMillis());
  }

  @Test
  @DisplayName("whose first two fetches fail is stored once, by a later attempt, and consoles are told")
  void retried() throws Exception {
    java.util.List<jp.kurashi.core.domain.CaseEvent> stored = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.events.subscribe(e -> {
      if (jp.kurashi.core.domain.CaseEvent.ATTACHMENT_STORED.equals(e.type())) {
        stored.add(e);
      }
    });
    server.line.contentAnswers.add(500);
    server.line.contentAnswers.add(503);

    assertThat(server.post(LineEvents.callback(LineEvents.image("i1", "U1"))).statusCode()).isEqualTo(200);

    Await.until(WAIT, "image stored", () -> attachments() == 1);
    severalRounds();
    assertThat(attachments()).isOne();
    Row message = server.one("SELECT id, case_id FROM message WHERE external_id = 'i1'");
    assertThat(stored).as("consoles told once, so an open thread shows the photo").singleElement().satisfies(e -> {
      assertThat(e.messageId()).isEqualTo(message.getLong("id"));
      assertThat(e.caseId()).isEqualTo(message.getLong("case_id"));
    });
    assertThat(server.line.contentReads.get()).isEqualTo(3);
    assertThat(media().getString("status")).isEqualTo("stored");
    assertThat(media().getInteger("attempts")).isEqualTo(3);
    assertThat(server.one("SELECT content_type FROM attachment").getString(0)).isEqualTo("image/jpeg");
  }

  @Test
  @DisplayName("sent many at once are fetched a few at a time, and every one is stored once")
  void manyAtOnce() {
    server.line.contentDelayMillis = 150;
    JsonObject[] images = new JsonObject[12];
    for (int i = 0; i < images.length; i++) {
      images[i] = LineEvents.image("many" + i, "U1");
    }

    assertThat(server.post(LineEvents.callback(images)).statusCode()).isEqualTo(200);

    Await.until(WAIT, "every image stored", () -> attachments() == images.length);
    assertThat(server.line.contentMost.get()).as("fetched at once").isLessThanOrEqualTo(LineServer.MEDIA_FETCHES);
    assertThat(server.line.contentReads.get()).isEqualTo(images.length);
  }

  @Test
  @DisplayName("that LINE no longer has is given up at once, with LINE's reason, and staff are told in the case, once")
  void gone() throws Exception {
    java.util.List<jp.kurashi.core.domain.CaseEvent> notes = new java.util.concurrent.CopyOnWriteArrayList<>();
    server.events.subscribe(e -> {
      if (jp.kurashi.core.domain.CaseEvent.NOTE_ADDED.equals(e.type())) {
        notes.add(e);
      }
    });
    server.line.contentAnswers.add(404);

    assertThat(server.post(LineEvents.callback(LineEvents.image("i1", "U1"))).statusCode()).isEqualTo(200);

    Await.until(WAIT, "given up", () -> "failed".equals(media().getString("status")));
    severalRounds();
    assertThat(server.line.contentReads.get()).isOne();
    assertThat(media().getString("last_error")).startsWith("LINE 404");
    assertThat(attachments()).isZero();
    Row note = server.one("""
        SELECT n.id, n.case_id, n.body, n.staff_id IS NULL AS automatic FROM message n
          JOIN message m ON m.case_id = n.case_id AND m.external_id = 'i1'
         WHERE n.direction = 'note'""");
    assertThat(note.getString("body")).startsWith("【自動記録】相談者がLINEで送った画像を取得できませんでした(LINE 404")
        .contains("could not be fetched");
    assertThat(note.getBoolean("automatic")).isTrue();
    assertThat(server.count("SELECT count(*) FROM message WHERE direction = 'note'")).isOne();
    Await.until(WAIT, "consoles told", () -> !notes.isEmpty());
    assertThat(notes).singleElement().satisfies(e -> {
      assertThat(e.messageId()).isEqualTo(note.getLong("id"));
      assertThat(e.caseId()).isEqualTo(note.getLong("case_id"));
    });
  }

  @Test
  @DisplayName("that keeps failing is given up after LINE_MEDIA_ATTEMPTS fetches")
  void attemptsUsedUp() throws Exception {
    for (int i = 0; i < LineServer.MEDIA_ATTEMPTS + 2; i++) {
      server.line.contentAnswers.add(500);
    }

    assertThat(server.post(LineEvents.callback(LineEvents.image("i1", "U1"))).statusCode()).isEqualTo(200);

    Await.until(WAIT, "given up", () -> "failed".equals(media().getString("status")));
    severalRounds();
    assertThat(server.line.contentReads.get()).isEqualTo(LineServer.MEDIA_ATTEMPTS);
    assertThat(media().getInteger("attempts")).isEqualTo(LineServer.MEDIA_ATTEMPTS);
    assertThat(attachments()).isZero();
  }

  @Test
  @DisplayName("left unfetched when the gateway stopped after the 200 is fetched later; a redelivery adds nothing")
  void afterACrash() throws Exception {
    assertThat(server.post(LineEvents.callback(LineEvents.image("i1", "U1"))).statusCode()).isEqualTo(200);
    Await.until(WAIT, "image stored", () -> attachments() == 1);

    // What a kill between the 200 and the fetch leaves: the message and its media row, no file.
    server.execute("DELETE FROM attachment");
    server.execute("UPDATE line_media SET status = 'pending', attempts = 0, next_attempt_at = now()");
    Await.until(WAIT, "image fetched again", () -> attachments() == 1);

    assertThat(server.post(LineEvents.callback(LineEvents.image("i1", "U1"))).statusCode()).isEqualTo(200);
    severalRounds();
    assertThat(attachments()).isOne();
    assertThat(server.count("SELECT count(*) FROM line_media")).isOne();
    assertThat(server.line.contentReads.get()).isEqualTo(2);
  }

  @Test
  @DisplayName("taken by retries that never finish (the gateway dies during each download) is given up after LINE_MEDIA_ATTEMPTS; another taken in the same round is not charged")
  void takenWithoutOutcome() throws Exception {
    server.stopMediaRetry();
    server.line.contentAnswers.add(500);
    server.line.contentAnswers.add(500);
    assertThat(server.post(LineEvents.callback(LineEvents.image("i1", "U1"), LineEvents.image("i2", "U1")))
        .statusCode()).isEqualTo(200);
    Await.until(WAIT, "first attempts recorded", () -> server.count(
        "SELECT count(*) FROM line_media WHERE attempts = 1") == 2);
    long first = server.one("SELECT id FROM message WHERE external_id = 'i1'").getLong(0);
    long second = server.one("SELECT id FROM message WHERE external_id = 'i2'").getLong(0);

    // Each taking stands for a retry that took the first image, started its download and was killed: the second
    // image, due in the same round, was never started and is not charged.
    server.execute("UPDATE line_media SET next_attempt_at = now()");
    assertThat(Await.result(server.lineStore.dueMedia(8, Duration.ofMinutes(1)))).hasSize(2);
    for (int i = 0; i < LineServer.MEDIA_ATTEMPTS; i++) {
      assertThat(Await.result(server.lineStore.mediaTaken(first, LineServer.MEDIA_ATTEMPTS)))
          .isEqualTo(LineStore.Taking.FETCH);
    }
    assertThat(Await.result(server.lineStore.mediaTaken(first, LineServer.MEDIA_ATTEMPTS)))
        .isEqualTo(LineStore.Taking.GIVEN_UP);
    assertThat(Await.result(server.lineStore.mediaTaken(first, LineServer.MEDIA_ATTEMPTS)))
        .isEqualTo(LineStore.Taking.GONE);

    Row given = server.one("SELECT status, last_error FROM line_media WHERE message_id = $1", first);
    assertThat(given.getString("status")).isEqualTo("failed");
    assertThat(given.getString("last_error")).contains("did not finish");
    Row other = server.one("SELECT status, taken FROM line_media WHERE message_id = $1", second);
    assertThat(other.getString("status")).isEqualTo("pending");
    assertThat(other.getInteger("taken")).isZero();
  }

  @Test
  @DisplayName("a video is fetched only once LINE has prepared it; one LINE could not prepare is given up")
  void videoPrepared() throws Exception {
    server.line.preparation.add("processing");
    server.line.preparation.add("processing");

    assertThat(server.post(LineEvents.callback(LineEvents.video("v1", "U1"))).statusCode()).isEqualTo(200);

    Await.until(WAIT, "video stored", () -> attachments() == 1);
    assertThat(server.line.contentReads.get()).as("not fetched while being prepared").isOne();
    assertThat(media().getInteger("attempts")).isEqualTo(3);

    server.line.preparation.add("failed");
    assertThat(server.post(LineEvents.callback(LineEvents.video("v2", "U1"))).statusCode()).isEqualTo(200);
    Await.until(WAIT, "given up", () -> server.count("SELECT count(*) FROM line_media WHERE status = 'failed'") == 1);
    assertThat(server.one("SELECT last_error FROM line_media WHERE status = 'failed'").getString(0))
        .contains("could not prepare");
    assertThat(server.line.contentReads.get()).isOne();
  }

  @Test
  @DisplayName("of a message the resident takes back is forgotten with its file name, and never fetched")
  void unsent() throws Exception {
    server.line.contentAnswers.add(500);
    assertThat(server.post(LineEvents.callback(LineEvents.file("f1", "U1", "診断書_山田.pdf"))).statusCode())
        .isEqualTo(200);
    Await.until(WAIT, "first fetch failed", () -> server.line.contentReads.get() == 1);

    assertThat(server.post(LineEvents.callback(LineEvents.unsend("u1", "U1", "filef1"))).statusCode()).isEqualTo(200);

    severalRounds();
    assertThat(server.count("SELECT count(*) FROM line_media")).isZero();
    assertThat(server.line.contentReads.get()).isOne();
    assertThat(attachments()).isZero();
  }

  @Test
  @DisplayName("stored by a fetch while the unsend waited for it is deleted right after the unsend")
  void storedDuringUnsend() {
    assertThat(server.post(LineEvents.callback(LineEvents.image("i1", "U1"))).statusCode()).isEqualTo(200);
    Await.until(WAIT, "image stored", () -> attachments() == 1);
    assertThat(server.post(LineEvents.callback(LineEvents.unsend("u1", "U1", "imgi1"))).statusCode()).isEqualTo(200);
    assertThat(attachments()).isZero();
    long messageId = server.one("SELECT id FROM message WHERE external_id = 'i1'").getLong(0);

    // What the unsend's statement could not see: a file a concurrent fetch committed while it waited on the row lock.
    server.execute("INSERT INTO attachment (message_id, content_type, size_bytes, data) VALUES (" + messageId
        + ", 'image/jpeg', 1, '\\xff')");
    Await.result(new LineStore(server.db.pool(), server.clock, server.officeId).forgetMedia(messageId));

    assertThat(attachments()).isZero();
  }
}
