package jp.kurashi.app;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.FreePorts;
import jp.kurashi.testkit.TestPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import static org.assertj.core.api.Assertions.assertThat;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import java.nio.file.Files;
import java.nio.file.Path;

@ExtendWith(VertxExtension.class)
@DisplayName("Two offices with a mailbox each")
class TwoOfficesMailTest {

  @Test
  @DisplayName("one mail sent to both offices' mailboxes is a case in each, from the same address")
  void sameMailBothMailboxes(Vertx vertx) throws Exception {
    int smtp = FreePorts.next();
    int imap = FreePorts.next();
    GreenMail greenMail = new GreenMail(new ServerSetup[] {
        new ServerSetup(smtp, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
        new ServerSetup(imap, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
    greenMail.start();
    String url = TestPostgres.shared().newDatabaseUrl();
    Database db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    try {
      var suita = greenMail.setUser("suita@kurashi.example", "suita", "suita-password");
      var yodogawa = greenMail.setUser("yodogawa@kurashi.example", "yodogawa", "yodogawa-password");
      String mailbox = """
          {"MAIL_IMAP_HOST": "127.0.0.1", "MAIL_IMAP_PORT": %d, "MAIL_SMTP_HOST": "127.0.0.1", "MAIL_SMTP_PORT": %d,
           "MAIL_USER": "%s", "MAIL_PASSWORD": {"env": "%s"}, "MAIL_ADDRESS": "%s@kurashi.example",
           "MAIL_TLS": false, "MAIL_POLL_SECONDS": 1}""";
      Path file = Files.createTempFile("offices", ".json");
      Files.writeString(file, "{\"offices\": [{\"code\": \"suita\", \"channels\": {\"mail\": "
          + mailbox.formatted(imap, smtp, "suita", "SUITA_MAIL_PASSWORD", "suita") + "}},"
          + "{\"code\": \"yodogawa\", \"channels\": {\"mail\": "
          + mailbox.formatted(imap, smtp, "yodogawa", "YODOGAWA_MAIL_PASSWORD", "yodogawa") + "}}]}",
          StandardCharsets.UTF_8);
      try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url,
          "OFFICES_FILE", file.toString(), "SUITA_MAIL_PASSWORD", "suita-password",
          "YODOGAWA_MAIL_PASSWORD", "yodogawa-password"), RunningGateway.deskOpen())) {
        String raw = "From: resident@example.jp\r\nTo: suita@kurashi.example, yodogawa@kurashi.example\r\n"
            + "Subject: =?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString("相談です".getBytes(StandardCharsets.UTF_8))
            + "?=\r\nMessage-ID: <both-1@example.jp>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n仕事を失いました。\r\n";
        byte[] body = raw.getBytes(StandardCharsets.UTF_8);
        suita.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(body)));
        yodogawa.deliver(new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(body)));

        Await.until(Duration.ofSeconds(30), "a case in each office", () -> Await.result(db.pool().query(
            "SELECT count(DISTINCT office_id) FROM consultation_case WHERE channel = 'mail'").execute())
            .iterator().next().getLong(0) == 2L);
        var rows = Await.result(db.pool().preparedQuery("SELECT o.code, count(DISTINCT c.id), count(DISTINCT k.id), "
            + "count(m.id) FROM message m JOIN consultation_case c ON c.id = m.case_id JOIN contact k ON k.id = c.contact_id "
            + "JOIN office o ON o.id = c.office_id WHERE m.external_id = $1 GROUP BY o.code ORDER BY o.code")
            .execute(Tuple.of("<both-1@example.jp>")));
        java.util.List<String> found = new java.util.ArrayList<>();
        rows.forEach(r -> found.add(r.getString(0) + ":" + r.getLong(1) + "/" + r.getLong(2) + "/" + r.getLong(3)));
        assertThat(found).containsExactly("suita:1/1/1", "yodogawa:1/1/1");
        // Each office acknowledges from its own address.
        Await.until(Duration.ofSeconds(20), "two acknowledgements", () ->
            greenMail.getReceivedMessagesForDomain("example.jp").length == 2);
        java.util.Set<String> senders = new java.util.HashSet<>();
        for (var m : greenMail.getReceivedMessagesForDomain("example.jp")) {
          senders.add(m.getFrom()[0].toString());
        }
        assertThat(senders).hasSize(2);
      }
    } finally {
      Await.result(db.close());
      greenMail.stop();
    }
  }
}
