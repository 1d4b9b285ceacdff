package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.InboundAttachment;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A resident's file is their content, not ours: only PNG and JPEG are shown in the console's origin;
 * anything else is a sandboxed download, so an HTML or PDF file cannot run script as the staff member.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Attachments served to staff")
class AttachmentServingTest {

  private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 0};

  private RunningGateway running;

  @BeforeEach
  void start(Vertx vertx) {
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestDatabases.migrated()));
  }

  @AfterEach
  void stop() {
    running.close();
  }

  private HttpResponse<Buffer> served(RunningGateway.StaffClient chief, String contentType, String fileName, byte[] data) {
    long caseId = Await.result(running.gateway.pipeline().receive(new InboundMessage("webchat", "m-" + fileName,
        "chat-" + fileName, null, "ファイルを送ります", running.clock.instant(),
        List.of(new InboundAttachment(contentType, fileName, data))))).caseId();
    JsonArray attachments = chief.get("/api/cases/" + caseId).bodyAsJsonObject().getJsonArray("messages")
        .getJsonObject(0).getJsonArray("attachments");
    return chief.get(attachments.getJsonObject(0).getString("url"));
  }

  @Test
  @DisplayName("serves an HTML file as a sandboxed download with nosniff, never inline")
  void html() {
    RunningGateway.StaffClient chief = running.chief();
    byte[] html = "<script>fetch('/api/cases')</script>".getBytes(StandardCharsets.UTF_8);

    HttpResponse<Buffer> r = served(chief, "text/html", "letter.html", html);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Disposition")).startsWith("attachment;").contains("letter.html");
    assertThat(r.getHeader("Content-Security-Policy")).contains("sandbox");
    assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(r.body().getBytes()).isEqualTo(html);
  }

  @Test
  @DisplayName("serves a PDF as a sandboxed download with nosniff, keeping a Japanese file name")
  void pdf() {
    RunningGateway.StaffClient chief = running.chief();

    HttpResponse<Buffer> r = served(chief, "application/pdf", "督促状.pdf", "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII));

    assertThat(r.getHeader("Content-Type")).isEqualTo("application/pdf");
    assertThat(r.getHeader("Content-Disposition")).startsWith("attachment;")
        .contains("filename*=UTF-8''%E7%9D%A3%E4%BF%83%E7%8A%B6.pdf");
    assertThat(r.getHeader("Content-Security-Policy")).contains("sandbox");
    assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
  }

  @Test
  @DisplayName("shows a PNG inline, with nosniff")
  void png() {
    RunningGateway.StaffClient chief = running.chief();

    HttpResponse<Buffer> r = served(chief, "image/png", "photo.png", PNG);

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).isEqualTo("image/png");
    assertThat(r.getHeader("Content-Disposition")).isEqualTo("inline");
    assertThat(r.getHeader("X-Content-Type-Options")).isEqualTo("nosniff");
  }
}
