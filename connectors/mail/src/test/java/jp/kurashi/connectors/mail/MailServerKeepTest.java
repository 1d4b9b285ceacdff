package jp.kurashi.connectors.mail;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import io.vertx.core.Vertx;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.MailDesk;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code MAIL_SERVER_KEEP_DAYS}: processed mail is deleted from the desk's mail server once it is older, and never a
 * mail the gateway has not stored.
 */
@DisplayName("Processed mail on the server, against GreenMail")
class MailServerKeepTest {

  private static byte[] mail(int n) {
    return ("From: <r" + n + "@example.jp>\r\nTo: desk@example.jp\r\nMessage-ID: <keep-" + n + "@example.jp>\r\n"
        + "Subject: " + n + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nbody " + n + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static MailSettings settings(MailDesk desk, String processedFolder) {
    return new MailSettings("127.0.0.1", desk.imapPort(), "127.0.0.1", desk.smtpPort(), "desk", "desk-password",
        "desk@example.jp", false, Duration.ofSeconds(1), "INBOX", processedFolder, "UTF-8", 1024 * 1024,
        Duration.ofSeconds(10), null, Duration.ofDays(30));
  }

  /** The subjects left in a folder, read on a connection of the test's own. */
  private static List<String> subjects(MailSettings settings, String folder) throws Exception {
    Store store = Session.getInstance(settings.imapProperties()).getStore();
    store.connect(settings.imapHost(), settings.imapPort(), settings.user(), settings.password());
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
  }

  private static boolean inboxEmpty(MailSettings settings) {
    try {
      return subjects(settings, "INBOX").isEmpty();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  @DisplayName("flagged \\Seen in the inbox: only mails up to the cursor (stored) and older than the cut-off go")
  void inbox() throws Exception {
    try (MailDesk desk = MailDesk.start()) {
      MailDesk.Mailbox user = desk.mailbox("desk", "desk-password");
      MailSettings settings = settings(desk, null);
      for (int i = 1; i <= 3; i++) {
        user.deliver(mail(i));
      }
      try (ImapMailbox mailbox = new ImapMailbox(settings)) {
        ImapMailbox.Fetched fetched = mailbox.fetch(Optional.empty(), 2, Long.MAX_VALUE);
        mailbox.markProcessed(fetched.mails().stream().map(MailStore.RawMail::uid).toList());
        Optional<MailStore.Cursor> cursor = Optional.of(new MailStore.Cursor(fetched.uidValidity(), fetched.lastUid()));

        assertThat(mailbox.deleteProcessed(Instant.now().minus(Duration.ofDays(1)), cursor))
            .as("nothing has been there a day yet").isZero();
        assertThat(mailbox.deleteProcessed(Instant.now().plusSeconds(60), Optional.empty()))
            .as("without a cursor nothing is known to be stored").isZero();
        assertThat(mailbox.deleteProcessed(Instant.now().plusSeconds(60),
            Optional.of(new MailStore.Cursor(fetched.uidValidity() + 1, fetched.lastUid()))))
            .as("a cursor of another UIDVALIDITY names other mails").isZero();
        assertThat(subjects(settings, "INBOX")).containsExactly("1", "2", "3");

        assertThat(mailbox.deleteProcessed(Instant.now().plusSeconds(60), cursor)).isEqualTo(2);
        assertThat(subjects(settings, "INBOX")).as("the third was never fetched").containsExactly("3");

        ImapMailbox.Fetched next = mailbox.fetch(cursor, 50, Long.MAX_VALUE);
        assertThat(next.mails()).as("the cursor still finds what follows").hasSize(1);
      }
    }
  }

  @Test
  @DisplayName("moved to the processed folder: the old ones there go, the inbox is not touched")
  void processedFolder() throws Exception {
    try (MailDesk desk = MailDesk.start()) {
      MailDesk.Mailbox user = desk.mailbox("desk", "desk-password");
      MailSettings settings = settings(desk, "Processed");
      for (int i = 1; i <= 3; i++) {
        user.deliver(mail(i));
      }
      try (ImapMailbox mailbox = new ImapMailbox(settings)) {
        assertThat(mailbox.deleteProcessed(Instant.now().plusSeconds(60), Optional.empty()))
            .as("no processed folder yet").isZero();
        ImapMailbox.Fetched fetched = mailbox.fetch(Optional.empty(), 2, Long.MAX_VALUE);
        mailbox.markProcessed(fetched.mails().stream().map(MailStore.RawMail::uid).toList());
        assertThat(subjects(settings, "Processed")).containsExactly("1", "2");

        assertThat(mailbox.deleteProcessed(Instant.now().minus(Duration.ofDays(1)), Optional.empty())).isZero();
        assertThat(mailbox.deleteProcessed(Instant.now().plusSeconds(60), Optional.empty())).isEqualTo(2);

        assertThat(subjects(settings, "Processed")).isEmpty();
        assertThat(subjects(settings, "INBOX")).containsExactly("3");
      }
    }
  }

  @Test
  @DisplayName("the poller deletes what it stored once it is older than MAIL_SERVER_KEEP_DAYS, and counts it")
  void poller() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (MailServer server = new MailServer(vertx)) {
      server.stopPoller();
      server.deliver(mail(1));
      server.deliver(mail(2));
      // The poller's clock is 31 days ahead of the mail server's: what it stores is already past 30 days.
      server.startPoller(Duration.ofDays(30), TestClocks.startingAt(Instant.now().plus(Duration.ofDays(31))));

      Await.until(Duration.ofSeconds(15), "both stored", () ->
          server.count("SELECT count(*) FROM message WHERE direction = 'in'") == 2);
      Await.until(Duration.ofSeconds(15), "deleted from the server", () -> inboxEmpty(server.settings));
      assertThat(server.metrics.render()).contains("mail_server_deleted_total 2");
      assertThat(server.count("SELECT count(*) FROM message WHERE direction = 'in'")).isEqualTo(2);
    } finally {
      Await.result(vertx.close());
    }
  }
}
