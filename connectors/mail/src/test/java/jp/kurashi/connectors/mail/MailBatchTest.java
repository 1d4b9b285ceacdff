package jp.kurashi.connectors.mail;

import jp.kurashi.testkit.MailDesk;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A fetch holds its mails whole in memory: a batch is cut by their total size as well as by their number. */
@DisplayName("Fetching mail in batches, against GreenMail")
class MailBatchTest {

  private static byte[] mail(int n, int bytes) {
    return ("From: <r" + n + "@example.jp>\r\nTo: desk@example.jp\r\nMessage-ID: <batch-" + n + "@example.jp>\r\n"
        + "Subject: " + n + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + "x".repeat(bytes) + "\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("at most the byte budget per batch (a larger mail alone), oldest first, saying when more wait")
  void byteBudget() throws Exception {
    try (MailDesk desk = MailDesk.start()) {
      MailDesk.Mailbox user = desk.mailbox("desk", "desk-password");
      int[] sizes = {400_000, 400_000, 400_000, 2_000_000, 100};
      for (int i = 0; i < sizes.length; i++) {
        user.deliver(mail(i, sizes[i]));
      }
      MailSettings settings = new MailSettings("127.0.0.1", desk.imapPort(), "127.0.0.1", desk.smtpPort(), "desk",
          "desk-password", "desk@example.jp", false, Duration.ofSeconds(1), "INBOX", null, "UTF-8", 4 * 1024 * 1024,
          Duration.ofSeconds(10), null, null);
      try (ImapMailbox mailbox = new ImapMailbox(settings)) {
        ImapMailbox.Fetched first = mailbox.fetch(Optional.empty(), 50, 1_000_000);
        assertThat(first.mails()).hasSize(2);
        assertThat(first.more()).isTrue();
        Optional<MailStore.Cursor> cursor = Optional.of(new MailStore.Cursor(first.uidValidity(), first.lastUid()));
        ImapMailbox.Fetched second = mailbox.fetch(cursor, 50, 1_000_000);
        assertThat(second.mails()).as("the third alone: the 2 MB one would pass the budget").hasSize(1);
        cursor = Optional.of(new MailStore.Cursor(second.uidValidity(), second.lastUid()));
        ImapMailbox.Fetched third = mailbox.fetch(cursor, 50, 1_000_000);
        assertThat(third.mails()).as("a mail over the budget comes alone").hasSize(1);
        assertThat(third.mails().get(0).raw().length).isGreaterThan(2_000_000);
        cursor = Optional.of(new MailStore.Cursor(third.uidValidity(), third.lastUid()));
        ImapMailbox.Fetched last = mailbox.fetch(cursor, 50, 1_000_000);
        assertThat(last.mails()).hasSize(1);
        assertThat(last.more()).isFalse();
        assertThat(mailbox.fetch(Optional.empty(), 2, Long.MAX_VALUE).mails()).as("and by number").hasSize(2);
      }
    }
  }
}
