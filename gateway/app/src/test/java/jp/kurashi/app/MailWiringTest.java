package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.MailDesk;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The gateway with email configured")
class MailWiringTest {

  @Test
  @DisplayName("polls the mailbox into the queue, acknowledges by SMTP, and shows staff each mail's subject")
  void wired(Vertx vertx) throws Exception {
    try (MailDesk mail = MailDesk.start()) {
      MailDesk.Mailbox desk = mail.mailbox("desk", "desk-password");
      var settings = new java.util.HashMap<>(mail.settings(desk));
      settings.put("DATABASE_URL", TestDatabases.migrated());
      try (RunningGateway running = RunningGateway.start(vertx, settings)) {
        String raw = "From: resident@example.jp\r\nTo: desk@kurashi.example\r\nSubject: =?UTF-8?B?"
            + java.util.Base64.getEncoder().encodeToString("相談です".getBytes(StandardCharsets.UTF_8)) + "?=\r\n"
            + "Message-ID: <wiring-1@example.jp>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n\r\n";
        desk.deliver(raw + "仕事を失いました。\r\n");

        RunningGateway.StaffClient admin = running.client();
        admin.login("admin", RunningGateway.ADMIN_PASSWORD);
        Await.until(Duration.ofSeconds(20), "case from mail", () ->
            admin.get("/api/cases?status=open").bodyAsJsonObject().getJsonArray("items").size() == 1);
        JsonArray items = admin.get("/api/cases?status=open").bodyAsJsonObject().getJsonArray("items");
        assertThat(items.getJsonObject(0).getString("channel")).isEqualTo("mail");
        Await.until(Duration.ofSeconds(20), "acknowledged", () -> mail.sentTo("example.jp").length == 1);

        // A Windows mailer's subject: ISO-2022-JP with the vendor characters ㈱ and 髙, shown to staff as written.
        String subject = "㈱あいうえお髙かきくけこ";
        String windows = "From: company@example.co.jp\r\nTo: desk@kurashi.example\r\nSubject: =?ISO-2022-JP?B?"
            + java.util.Base64.getEncoder().encodeToString(subject.getBytes("x-windows-iso2022jp")) + "?=\r\n"
            + "Message-ID: <wiring-2@example.co.jp>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n";
        byte[] second = concat(windows.getBytes(StandardCharsets.US_ASCII),
            "家賃のことで相談したいです。\r\n".getBytes("x-windows-iso2022jp"));
        desk.deliver(second);
        Await.until(Duration.ofSeconds(20), "second case from mail", () ->
            admin.get("/api/cases?status=open").bodyAsJsonObject().getJsonArray("items").size() == 2);
        RunningGateway.StaffClient chief = running.chief();
        long caseId = -1;
        for (Object item : chief.get("/api/cases?status=open").bodyAsJsonObject().getJsonArray("items")) {
          caseId = Math.max(caseId, ((io.vertx.core.json.JsonObject) item).getLong("id"));
        }
        var message = chief.get("/api/cases/" + caseId).bodyAsJsonObject().getJsonArray("messages").getJsonObject(0);
        assertThat(message.getString("subject")).isEqualTo(subject);
        assertThat(message.getString("text")).contains("家賃のことで相談したいです");
      }
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
