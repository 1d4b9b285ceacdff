package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import jakarta.mail.internet.MimeMessage;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.MailDesk;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The production log at INFO")
class LogPrivacyTest {

  // Markers: ASCII so that JSON or MIME encoding on the way cannot hide them from the check.
  private static final String LINE_TEXT = "mkLineText4821";
  private static final String LINE_NAME = "mkDisplayName7315";
  private static final String LINE_REPLY = "mkLineReply2290";
  private static final String MAIL_SENDER = "mk-sender-5521";
  private static final String MAIL_FROM = MAIL_SENDER + "@example.jp";
  private static final String MAIL_SUBJECT = "mkSubject6604";
  private static final String MAIL_BODY = "mkMailBody1187";
  private static final String MAIL_REPLY = "mkMailReply3349";
  private static final String CHAT_TEXT = "mkChatText9052";
  private static final String CHAT_REPLY = "mkChatReply4470";

  private static final String LINE_TOKEN = "lineAccessToken" + UUID.randomUUID().toString().replace("-", "");
  private static final String LINE_SECRET = "lineChannelSecret" + UUID.randomUUID().toString().replace("-", "");
  private static final String MAIL_PASSWORD = "mailPassword" + UUID.randomUUID().toString().replace("-", "");

  @Test
  @DisplayName("carries no resident text, name, address, token or password from LINE, mail and web chat")
  void nothingPersonal(Vertx vertx) throws Exception {
    Map<String, String> forbidden = new LinkedHashMap<>();
    List<String> lines;
    String databaseUrl = TestDatabases.migrated();
    try (MailDesk mail = MailDesk.start(); FakeLine line = new FakeLine(vertx, "山田 " + LINE_NAME)) {
      MailDesk.Mailbox desk = mail.mailbox("desk", MAIL_PASSWORD);
      Map<String, String> settings = new java.util.HashMap<>(mail.settings(desk));
      settings.putAll(Map.of("DATABASE_URL", databaseUrl,
          "LINE_CHANNEL_SECRET", LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN", LINE_TOKEN,
          "LINE_API_BASE_URL", line.baseUrl(), "LINE_DATA_API_BASE_URL", line.baseUrl()));
      try (ProductionLogs logs = ProductionLogs.capture()) {
        try (RunningGateway running = RunningGateway.start(vertx, settings)) {
          int port = running.gateway.httpPort();

          lineWebhook(vertx, port, FakeLine.event("follow", "01FOLLOW", "Uprivacy")
              .put("follow", new JsonObject().put("isUnblocked", false)));
          lineWebhook(vertx, port, FakeLine.event("message", "01TEXT", "Uprivacy")
              .put("message", new JsonObject().put("type", "text").put("id", "m1")
                  .put("text", "家賃が払えません " + LINE_TEXT).put("quoteToken", "q")));

          desk.deliver("From: " + MAIL_FROM + "\r\nTo: desk@kurashi.example\r\nSubject: " + MAIL_SUBJECT + "\r\n"
              + "Message-ID: <privacy-1@example.jp>\r\nMIME-Version: 1.0\r\n"
              + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
              + "仕事を失いました。" + MAIL_BODY + "\r\n");

          String chatToken = Await.result(WebClient.create(vertx).post(port, "127.0.0.1", "/webchat/sessions")
              .sendJsonObject(new JsonObject().put("language", "ja"))).bodyAsJsonObject().getString("token");
          forbidden.put("web chat token", chatToken);
          BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
          WebSocket chat = Await.result(vertx.createWebSocketClient()
              .connect(port, "127.0.0.1", "/webchat/socket?token=" + chatToken).map(ws -> {
                ws.textMessageHandler(text -> frames.add(new JsonObject(text)));
                return ws;
              }));
          String notice = Await.result(WebClient.create(vertx).get(port, "127.0.0.1", "/webchat/config").send())
              .bodyAsJsonObject().getJsonObject("privacyNotice").getString("version");
          Await.result(chat.writeTextMessage(new JsonObject().put("type", "consent").put("accepted", true)
              .put("version", notice).encode()));
          next(frames, f -> "consent".equals(f.getString("type")));
          Await.result(chat.writeTextMessage(new JsonObject().put("type", "message").put("clientId", "c1")
              .put("text", "食べ物がありません " + CHAT_TEXT).encode()));
          next(frames, f -> "ack".equals(f.getString("type")));

          RunningGateway.StaffClient chief = running.chief();
          forbidden.put("staff session cookie", chief.cookie.substring(chief.cookie.indexOf('=') + 1));
          forbidden.put("CSRF token", chief.csrf);
          Await.until(Duration.ofSeconds(30), "a case on each channel", () -> openCases(chief).size() == 3);
          Map<String, Long> cases = openCases(chief);
          reply(chief, cases.get("line"), "お電話ください " + LINE_REPLY);
          reply(chief, cases.get("mail"), "お電話ください " + MAIL_REPLY);
          reply(chief, cases.get("webchat"), "お電話ください " + CHAT_REPLY);

          Await.until(Duration.ofSeconds(30), "the LINE reply pushed",
              () -> line.pushes.stream().anyMatch(p -> p.encode().contains(LINE_REPLY)));
          Await.until(Duration.ofSeconds(30), "the mail reply sent", () -> Arrays.stream(mail.sent())
              .anyMatch(m -> text(m).contains(MAIL_REPLY)));
          next(frames, f -> "message".equals(f.getString("type")) && f.getString("text", "").contains(CHAT_REPLY));
          Await.result(chat.close());
        }
        lines = logs.lines();
      }
    }

    // The check must be able to fail: the gateway's own INFO lines were captured.
    assertThat(lines).as("captured log").anyMatch(l -> l.contains("inbound message stored") && l.contains("caseId="));
    forbidden.putAll(Map.ofEntries(
        Map.entry("LINE message text", LINE_TEXT), Map.entry("LINE display name", LINE_NAME),
        Map.entry("staff reply on LINE", LINE_REPLY), Map.entry("mail sender", MAIL_SENDER),
        Map.entry("mail subject", MAIL_SUBJECT), Map.entry("mail body", MAIL_BODY),
        Map.entry("staff reply by mail", MAIL_REPLY), Map.entry("web chat text", CHAT_TEXT),
        Map.entry("staff reply in web chat", CHAT_REPLY), Map.entry("LINE access token", LINE_TOKEN),
        Map.entry("LINE channel secret", LINE_SECRET), Map.entry("mail password", MAIL_PASSWORD),
        Map.entry("admin password", RunningGateway.ADMIN_PASSWORD), Map.entry("chief's password", "chief-password-1")));
    SoftAssertions.assertSoftly(soft -> forbidden.forEach((what, value) ->
        soft.assertThat(lines).as("log lines carrying the " + what).filteredOn(l -> l.contains(value)).isEmpty()));
  }

  private static void lineWebhook(Vertx vertx, int port, JsonObject event) throws Exception {
    FakeLine.Signed signed = FakeLine.signedCallback(LINE_SECRET, event);
    int status = Await.result(WebClient.create(vertx).post(port, "127.0.0.1", "/webhook/line")
        .putHeader("X-Line-Signature", signed.signature()).sendBuffer(Buffer.buffer(signed.body()))).statusCode();
    assertThat(status).isEqualTo(200);
  }

  private static Map<String, Long> openCases(RunningGateway.StaffClient chief) {
    JsonArray items = chief.get("/api/cases?status=open").bodyAsJsonObject().getJsonArray("items");
    Map<String, Long> byChannel = new LinkedHashMap<>();
    items.forEach(o -> byChannel.put(((JsonObject) o).getString("channel"), ((JsonObject) o).getLong("id")));
    return byChannel;
  }

  private static void reply(RunningGateway.StaffClient chief, long caseId, String text) {
    assertThat(chief.post("/api/cases/" + caseId + "/replies", new JsonObject().put("text", text), true).statusCode())
        .isEqualTo(202);
  }

  private static String text(MimeMessage mail) {
    try {
      return String.valueOf(mail.getContent());
    } catch (java.io.IOException | jakarta.mail.MessagingException e) {
      return "";
    }
  }

  private static JsonObject next(BlockingQueue<JsonObject> frames, Predicate<JsonObject> wanted) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      JsonObject frame = frames.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      if (frame != null && wanted.test(frame)) {
        return frame;
      }
    }
    throw new AssertionError("no such chat frame within 30 s");
  }
}
