package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A mail over MAIL_MAX_BYTES: a case from its header and a note, the mail itself left unread on the server. */
@ExtendWith(VertxExtension.class)
@DisplayName("A mail larger than MAIL_MAX_BYTES, against GreenMail")
class MailTooLargeTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final long MAX = 1024 * 1024;
  private MailServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new MailServer(vertx, Duration.ofMillis(200), null, MAX);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static byte[] withPhotos(String from, String messageId, int bytes) {
    byte[] photo = new byte[bytes];
    new java.util.Random(7).nextBytes(photo);
    String boundary = "b-" + messageId.hashCode();
    return ("From: " + from + "\r\nTo: " + MailServer.DESK + "\r\nSubject: =?UTF-8?B?"
        + Base64.getEncoder().encodeToString("家賃の督促状の写真です".getBytes(StandardCharsets.UTF_8)) + "?=\r\n"
        + "Message-ID: " + messageId + "\r\nDate: Thu, 26 Nov 2026 12:00:00 +0900\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n"
        + "--" + boundary + "\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + Base64.getEncoder().encodeToString("督促状が届きました。どうすればいいですか".getBytes(StandardCharsets.UTF_8))
        + "\r\n--" + boundary + "\r\nContent-Type: image/jpeg\r\nContent-Transfer-Encoding: base64\r\n"
        + "Content-Disposition: attachment; filename=\"letter.jpg\"\r\n\r\n"
        + Base64.getMimeEncoder().encodeToString(photo) + "\r\n--" + boundary + "--\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  @DisplayName("without a Message-ID, is known by an id made from its header, the same under any limit")
  void noMessageId() {
    byte[] raw = new String(withPhotos("Jiro <jiro@example.jp>", "<unused@example.jp>", (int) (MAX * 2)),
        StandardCharsets.ISO_8859_1).replace("Message-ID: <unused@example.jp>\r\n", "")
        .getBytes(StandardCharsets.ISO_8859_1);
    server.deliver(raw);

    Await.until(WAIT, "ingested", () -> server.count("SELECT count(*) FROM message WHERE direction = 'in'") == 1);
    assertThat(server.query("SELECT external_id FROM message WHERE direction = 'in'").iterator().next().getString(0))
        .matches("<too-large-[0-9a-f]{64}@kurashi.invalid>");
    assertThat(server.count("SELECT last_uid FROM mail_cursor"))
        .as("the cursor passes it, so its header is not fetched again every round")
        .isEqualTo(server.count("SELECT uid FROM mail_inbox"));
  }

  @Test
  @DisplayName("read past the limit (its reported size missing or wrong), stops reading there")
  void cappedWhileRead() throws Exception {
    java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
    java.io.OutputStream capped = TooLargeMail.capped(sink, 1000);
    capped.write(new byte[999]);
    capped.write(1);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> capped.write(new byte[10]))
        .isInstanceOf(TooLargeMail.OverLimitException.class);
    assertThat(sink.size()).isEqualTo(1000);
  }

  @Test
  @DisplayName("fetched whole later (MAIL_MAX_BYTES raised, the folder rebuilt or the mail delivered again) and taken "
      + "as a duplicate of its stand-in, is still never deleted from the server")
  void refetchedWholeStays() throws Exception {
    server.deliver(withPhotos("Hanako <hanako@example.jp>", "<big@example.jp>", (int) (MAX * 2)));
    Await.until(WAIT, "stand-in stored", () -> server.count("SELECT count(*) FROM message WHERE direction = 'in'") == 1);
    server.stopPoller();
    // The same mail again (as after a folder rebuilt, or delivered twice), now under the limit.
    server.deliver(withPhotos("Hanako <hanako@example.jp>", "<big@example.jp>", (int) (MAX * 2)));
    server.deliver(withPhotos("Taro <taro@example.jp>", "<small@example.jp>", 10_000));

    // MAIL_MAX_BYTES at its default now, and a clock past MAIL_SERVER_KEEP_DAYS.
    server.startPoller(Duration.ofDays(30), null,
        jp.kurashi.testkit.TestClocks.startingAt(java.time.Instant.now().plus(Duration.ofDays(31))));

    Await.until(WAIT, "the small one deleted from the server", () -> {
      try {
        return !seenOnServer().containsKey("<small@example.jp>");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(server.count("SELECT count(*) FROM mail_inbox WHERE status = 'done'")).isEqualTo(3);
    assertThat(server.count("SELECT count(*) FROM message WHERE direction = 'in'")).as("no second case").isEqualTo(2);
    assertThat(server.count("SELECT count(*) FROM mail_inbox WHERE NOT too_large AND raw IS NOT NULL "
        + "AND message_id = (SELECT message_id FROM mail_inbox WHERE too_large)")).as("taken as its duplicate").isOne();
    assertThat(inboxCount("<big@example.jp>")).as("both copies stay: the case holds only the note").isEqualTo(2);
  }

  /** How many mails with this Message-ID the desk's INBOX holds. */
  private long inboxCount(String messageId) throws Exception {
    Store store = Session.getInstance(server.settings.imapProperties()).getStore();
    store.connect(server.settings.user(), server.settings.password());
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      long n = 0;
      for (Message m : inbox.getMessages()) {
        String[] id = m.getHeader("Message-ID");
        n += id != null && messageId.equals(id[0]) ? 1 : 0;
      }
      inbox.close(false);
      return n;
    } finally {
      store.close();
    }
  }

  /** The SEEN flag of each mail in the desk's INBOX, by Message-ID. */
  private Map<String, Boolean> seenOnServer() throws Exception {
    Store store = Session.getInstance(server.settings.imapProperties()).getStore();
    store.connect(server.settings.user(), server.settings.password());
    try {
      Folder inbox = store.getFolder("INBOX");
      inbox.open(Folder.READ_ONLY);
      Map<String, Boolean> seen = new HashMap<>();
      for (Message m : inbox.getMessages()) {
        String[] id = m.getHeader("Message-ID"); // none on a mail being expunged meanwhile
        if (id != null) {
          seen.put(id[0], m.isSet(Flags.Flag.SEEN));
        }
      }
      inbox.close(false);
      return seen;
    } finally {
      store.close();
    }
  }

  @Test
  @DisplayName("makes a case from its sender and subject with a note for staff, answers the resident, and leaves the "
      + "mail unread on the server, never held in memory whole")
  void standIn() throws Exception {
    server.deliver(withPhotos("Hanako <hanako@example.jp>", "<big@example.jp>", (int) (MAX * 2)));
    server.deliver(withPhotos("Taro <taro@example.jp>", "<small@example.jp>", 10_000));

    Await.until(WAIT, "both ingested", () -> server.count("SELECT count(*) FROM message WHERE direction = 'in'") == 2);
    Row big = server.query("SELECT case_id, subject, body FROM message WHERE external_id = '<big@example.jp>'")
        .iterator().next();
    assertThat(big.getString("subject")).isEqualTo("家賃の督促状の写真です");
    assertThat(big.getString("body")).startsWith("[大きすぎるメール]").contains("約3MB").contains("上限(1MB)")
        .doesNotContain("督促状が届きました");
    assertThat(server.count("SELECT count(*) FROM attachment a JOIN message m ON m.id = a.message_id "
        + "WHERE m.external_id = '<big@example.jp>'")).isZero();
    assertThat(server.query("SELECT too_large, length(raw) AS n FROM mail_inbox WHERE too_large").iterator().next()
        .getInteger("n")).as("only the header and the note stored").isLessThan(4_000);
    assertThat(server.query("SELECT display_name FROM contact WHERE external_id = 'hanako@example.jp'").iterator()
        .next().getString(0)).isEqualTo("Hanako");
    Await.until(WAIT, "the resident answered", () -> !server.sentTo("hanako@example.jp").isEmpty());

    Map<String, Boolean> seen = seenOnServer();
    assertThat(seen.get("<big@example.jp>")).as("left unread for staff").isFalse();
    assertThat(seen.get("<small@example.jp>")).isTrue();
    assertThat(server.query("SELECT body FROM message WHERE external_id = '<small@example.jp>'").iterator().next()
        .getString(0)).contains("督促状が届きました");
  }
}
