package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.retention.RetentionJob;
import jp.kurashi.core.retention.RetentionSettings;
import jp.kurashi.core.store.RetentionStore;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Retention erases a case in the database, but its mails may still be in the desk's mailbox. When the mailbox is
 * read from the start again (its UIDVALIDITY changed), they must not come back as a new consultation.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("A mail of an erased case, fetched again")
class MailErasedRefetchTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String RESIDENT = "old.resident@example.ne.jp";
  private static final String OTHER = "someone.else@example.org";
  private MailServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new MailServer(vertx);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static byte[] mail(String from, String messageId, String text) {
    return Fixtures.plain(from, messageId, "hello", "", text);
  }

  private long inbound() {
    return server.count("SELECT count(*) FROM message WHERE direction = 'in'");
  }

  @Test
  @DisplayName("is not stored again, nor a copy of the desk's reply or a delivery report on it; another sender's mail under the same Message-ID still is")
  void staysErased() throws Exception {
    server.deliver(mail(RESIDENT, "<old-1@example.ne.jp>", "old consultation"));
    Await.until(WAIT, "stored", () -> inbound() == 1);
    Await.until(WAIT, "acknowledged", () -> server.sentTo(RESIDENT).size() == 1);
    String ackId = server.sentTo(RESIDENT).get(0).getMessageID();
    Await.until(WAIT, "ack id stored", () -> server.count(
        "SELECT count(*) FROM message WHERE external_id = $1 AND direction = 'out'", ackId) == 1);
    server.stopPoller();
    server.query("UPDATE consultation_case SET status = 'closed', closed_at = now() - interval '6 years'");
    // Nothing written since either: a case written in since the cut-off is counted from that writing.
    server.query("UPDATE message SET created_at = now() - interval '6 years'");
    MailRetentionStore retention = (MailRetentionStore) new MailChannel().retention(ConfigSource.of(Map.of()))
        .orElseThrow();
    RetentionJob job = new RetentionJob(new RetentionStore(server.db.pool(), Map.of("mail", retention)),
        new RetentionSettings(5, 10, 10, Duration.ofHours(1), Duration.ofDays(1)), server.clock);
    assertThat(Await.result(job.runOnce()).cases().cases()).isOne();
    assertThat(inbound()).isZero();
    assertThat(server.count("SELECT count(*) FROM mail_erased WHERE key = $1",
        MailStore.erasedKey(server.officeId, RESIDENT, "<old-1@example.ne.jp>"))).isOne();
    assertThat(server.count("SELECT count(*) FROM mail_erased WHERE key = $1",
        MailStore.erasedKey(server.officeId, "", ackId))).isOne();

    // The mailbox was rebuilt: every mail in it is new to the gateway again.
    server.query("UPDATE mail_cursor SET uidvalidity = uidvalidity + 1");
    server.deliver(mail(OTHER, "<old-1@example.ne.jp>", "a different mail, same id"));
    server.deliver(mail(MailServer.DESK, ackId, "the desk's reply, copied back to it"));
    server.deliver(Fixtures.deliveryReport("MAILER-DAEMON@mx.example.ne.jp", "<dsn-0001@mx.example.ne.jp>",
        RESIDENT, ackId));
    server.startPoller();

    Await.until(WAIT, "all four fetched and handled", () -> server.count(
        "SELECT count(*) FROM mail_inbox WHERE status = 'done'") == 4);
    assertThat(inbound()).isOne();
    assertThat(server.count("SELECT count(*) FROM mail_inbox WHERE message_id IS NULL AND raw IS NOT NULL"))
        .as("the erased mail's bytes are not kept again").isZero();
    assertThat(server.count("""
        SELECT count(*) FROM message m JOIN contact k ON k.id = m.contact_id
         WHERE m.direction = 'in' AND k.external_id = $1""", OTHER))
        .isOne();
    assertThat(server.count("SELECT count(*) FROM contact WHERE external_id = $1", RESIDENT)).isZero();
    assertThat(server.count("SELECT count(*) FROM contact WHERE external_id IN ($1, $2)", MailServer.DESK,
        "mailer-daemon@mx.example.ne.jp")).isZero();
  }
}
