package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.MailDesk;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
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
    String url = TestDatabases.migrated();
    Database db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    try (MailDesk mail = MailDesk.start()) {
      MailDesk.Mailbox suita = mail.mailbox("suita", "suita-password");
      MailDesk.Mailbox yodogawa = mail.mailbox("yodogawa", "yodogawa-password");
      Path file = Files.createTempFile("offices", ".json");
      Files.writeString(file, new JsonObject().put("offices", new JsonArray()
          .add(office("suita", mail.settings(suita), "SUITA_MAIL_PASSWORD"))
          .add(office("yodogawa", mail.settings(yodogawa), "YODOGAWA_MAIL_PASSWORD"))).encode(), StandardCharsets.UTF_8);
      try (RunningGateway running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url,
          "OFFICES_FILE", file.toString(), "SUITA_MAIL_PASSWORD", "suita-password",
          "YODOGAWA_MAIL_PASSWORD", "yodogawa-password"), RunningGateway.deskOpen())) {
        String raw = "From: resident@example.jp\r\nTo: suita@kurashi.example, yodogawa@kurashi.example\r\n"
            + "Subject: =?UTF-8?B?" + java.util.Base64.getEncoder().encodeToString("相談です".getBytes(StandardCharsets.UTF_8))
            + "?=\r\nMessage-ID: <both-1@example.jp>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n仕事を失いました。\r\n";
        suita.deliver(raw);
        yodogawa.deliver(raw);

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
            mail.sentTo("example.jp").length == 2);
        java.util.Set<String> senders = new java.util.HashSet<>();
        for (var m : mail.sentTo("example.jp")) {
          senders.add(m.getFrom()[0].toString());
        }
        assertThat(senders).hasSize(2);
      }
    } finally {
      Await.result(db.close());
    }
  }

  /** An office of OFFICES_FILE with this mailbox, its password read from the environment variable named. */
  private static JsonObject office(String code, Map<String, String> mailbox, String passwordVariable) {
    JsonObject settings = new JsonObject(new java.util.HashMap<>(mailbox))
        .put("MAIL_PASSWORD", new JsonObject().put("env", passwordVariable));
    return new JsonObject().put("code", code).put("channels", new JsonObject().put("mail", settings));
  }
}
