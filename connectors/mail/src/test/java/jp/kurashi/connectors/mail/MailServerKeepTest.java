package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code MAIL_SERVER_KEEP_DAYS}: processed mail is deleted from the desk's mail server once it is older, and only mail
 * the database holds as handled: never one pending or quarantined, nor one someone else put in the processed folder.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Processed mail on the server, against GreenMail")
class MailServerKeepTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  /** The poller's clock runs 31 days ahead of the mail server's: every mail there is past a 30-day keep. */
  private static final Duration AHEAD = Duration.ofDays(31);
  private MailServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new MailServer(vertx);
    server.stopPoller();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static byte[] mail(int n) {
    return ("From: <r" + n + "@example.jp>\r\nTo: desk@kurashi.example\r\nMessage-ID: <keep-" + n + "@example.jp>\r\n"
        + "Subject: " + n + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n相談 " + n + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private long inbound() {
    return server.count("SELECT count(*) FROM message WHERE direction = 'in'");
  }

  /** A connection of the test's own to the desk's mailbox. */
  private Store connect() throws jakarta.mail.MessagingException {
    Store store = Session.getInstance(server.settings.imapProperties()).getStore();
    store.connect(server.settings.imapHost(), server.settings.imapPort(), server.settings.user(),
        server.settings.password());
    return store;
  }

  /** The subjects in a folder. */
  private List<String> subjects(String folder) {
    try {
      Store store = connect();
      try {
        Folder f = store.getFolder(folder);
        if (!f.exists()) {
          return List.of();
        }
        f.open(Folder.READ_ONLY);
        List<String> out = new ArrayList<>();
        for (Message m : f.getMessages()) {
          out.add(m.getSubject());
        }
        f.close(false);
        return out;
      } finally {
        store.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Puts a mail straight into a folder, as a colleague dragging it there in their mail program would. */
  private void dropInto(String folder, byte[] raw) throws Exception {
    Store store = connect();
    try {
      Folder f = store.getFolder(folder);
      if (!f.exists()) {
        f.create(Folder.HOLDS_MESSAGES);
      }
      f.appendMessages(new Message[] {new MimeMessage(null, new ByteArrayInputStream(raw))});
    } finally {
      store.close();
    }
  }

  @Test
  @DisplayName("flagged \\Seen in the inbox: what was stored goes, a mail still failing (not stored as a message) stays")
  void inbox() {
    server.deliver(mail(1));
    server.deliver(Fixtures.raw("broken.eml"));
    server.deliver(mail(2));
    server.startPoller(Duration.ofDays(30), null, TestClocks.startingAt(Instant.now().plus(AHEAD)));

    Await.until(WAIT, "both good ones stored", () -> inbound() == 2);
    Await.until(WAIT, "deleted from the server", () -> subjects("INBOX").size() == 1);
    assertThat(subjects("INBOX")).as("the broken mail was not handled when the server was swept")
        .doesNotContain("1", "2").hasSize(1);
    assertThat(server.metrics.render()).contains("mail_server_deleted_total 2");
    assertThat(inbound()).isEqualTo(2);
  }

  @Test
  @DisplayName("nothing is deleted before MAIL_SERVER_KEEP_DAYS")
  void young() throws Exception {
    server.deliver(mail(1));
    server.startPoller(Duration.ofDays(30), null, TestClocks.startingAt(Instant.now().plus(Duration.ofDays(29))));

    Await.until(WAIT, "stored", () -> inbound() == 1);
    Thread.sleep(MailServer.POLL_INTERVAL.multipliedBy(5).toMillis());
    assertThat(subjects("INBOX")).containsExactly("1");
  }

  @Test
  @DisplayName("moved to the processed folder: the mails moved there go, one a colleague put there stays, the inbox is not touched")
  void processedFolder() throws Exception {
    dropInto("Processed", mail(9));
    server.deliver(mail(1));
    server.deliver(mail(2));
    server.startPoller(Duration.ofDays(30), "Processed", TestClocks.startingAt(Instant.now().plus(AHEAD)));

    Await.until(WAIT, "both stored", () -> inbound() == 2);
    Await.until(WAIT, "deleted from the processed folder", () -> subjects("Processed").size() == 1);
    assertThat(subjects("Processed")).containsExactly("9");
    assertThat(subjects("INBOX")).isEmpty();
    assertThat(server.count("SELECT count(*) FROM mail_inbox WHERE moved_uid IS NOT NULL")).isEqualTo(2);
  }

  @Test
  @DisplayName("a cursor of another UIDVALIDITY deletes nothing: its UIDs name other mails")
  void otherUidValidity() throws Exception {
    server.deliver(mail(1));
    try (ImapMailbox mailbox = new ImapMailbox(server.settings)) {
      Optional<ImapMailbox.Arrived> arrived = mailbox.arrivedBefore(false, Instant.now().plusSeconds(60));
      assertThat(arrived).isPresent();
      assertThat(arrived.get().uids()).hasSize(1);
      assertThat(mailbox.arrivedBefore(false, Instant.now().minus(Duration.ofDays(1))).orElseThrow().uids()).isEmpty();
      assertThat(mailbox.delete(false, arrived.get().uidValidity() + 1, arrived.get().uids())).isZero();
      assertThat(subjects("INBOX")).containsExactly("1");
      assertThat(mailbox.delete(false, arrived.get().uidValidity(), arrived.get().uids())).isOne();
      assertThat(subjects("INBOX")).isEmpty();
    }
  }
}
