package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, item 5: the queue is paged on its own order instead of cut at 500, so a flood of older cases can
 * never push a crisis out of view; the counts per urgency are the whole queue's.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Queue paging")
class QueuePagingTest {

  private static final int NORMAL = 130;
  private static final int URGENT = 3;

  private Vertx vertx;
  private RunningGateway running;
  private Database db;
  private RunningGateway.StaffClient chief;
  private long crisis;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url));
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    chief = running.chief();
    Instant now = running.clock.instant();
    // A flood of ordinary cases, all older than the crisis that arrives last.
    for (int i = 0; i < NORMAL + URGENT; i++) {
      long id = write("flood-" + i, now.minusSeconds(10_000 - i));
      if (i < URGENT) {
        urgency(id, "urgent");
      }
    }
    crisis = write("crisis", now);
    urgency(crisis, "crisis");
  }

  private long write(String contact, Instant at) {
    return Await.result(running.gateway.pipeline().receive(
        new InboundMessage("webchat", contact + "-1", contact, null, "相談です", at))).caseId();
  }

  private void urgency(long caseId, String urgency) {
    Await.result(db.pool().query("UPDATE consultation_case SET urgency = '" + urgency + "' WHERE id = " + caseId).execute());
  }

  @AfterAll
  void stop() {
    running.close();
    Await.result(db.close());
    Await.result(vertx.close());
  }

  private JsonObject page(String query) {
    HttpResponse<Buffer> r = chief.get("/api/cases?status=open" + query);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject();
  }

  @Test
  @DisplayName("a crisis that arrives after more than a page of older cases is first on the first page; counts are the whole queue's")
  void crisisFirst() {
    JsonObject first = page("");
    JsonArray items = first.getJsonArray("items");
    assertThat(items).hasSize(100);
    assertThat(items.getJsonObject(0).getLong("id")).isEqualTo(crisis);
    assertThat(items.getJsonObject(1).getString("urgency")).isEqualTo("urgent");
    assertThat(first.getString("next")).isNotBlank();
    JsonObject counts = first.getJsonObject("counts");
    assertThat(counts.getLong("crisis")).isEqualTo(1);
    assertThat(counts.getLong("urgent")).isEqualTo(URGENT);
    assertThat(counts.getLong("normal")).isEqualTo(NORMAL);
    assertThat(first.getLong("total")).isEqualTo(NORMAL + URGENT + 1L);
  }

  @Test
  @DisplayName("paging through with after= returns every case exactly once, in the queue's order")
  void everyCaseOnce() {
    List<Long> ids = new ArrayList<>();
    List<JsonObject> all = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      JsonObject p = page("&limit=40" + (after == null ? "" : "&after=" + URLEncoder.encode(after, StandardCharsets.UTF_8)));
      p.getJsonArray("items").forEach(o -> {
        ids.add(((JsonObject) o).getLong("id"));
        all.add((JsonObject) o);
      });
      assertThat(p.getJsonObject("counts").getLong("normal")).isEqualTo(NORMAL);
      after = p.getString("next");
      pages++;
    } while (after != null);

    assertThat(pages).isEqualTo(4);
    assertThat(ids).hasSize(NORMAL + URGENT + 1);
    assertThat(new HashSet<>(ids)).hasSize(ids.size());
    List<String> rank = List.of("crisis", "urgent", "normal");
    for (int i = 1; i < all.size(); i++) {
      JsonObject a = all.get(i - 1);
      JsonObject b = all.get(i);
      int ra = rank.indexOf(a.getString("urgency"));
      int rb = rank.indexOf(b.getString("urgency"));
      assertThat(ra).isLessThanOrEqualTo(rb);
      if (ra == rb) {
        assertThat(Instant.parse(a.getString("lastInboundAt"))).isBeforeOrEqualTo(Instant.parse(b.getString("lastInboundAt")));
      }
    }
  }

  @Test
  @DisplayName("a limit outside 1-500 or an after= that no page gave is a 400")
  void badParameters() {
    assertThat(chief.get("/api/cases?status=open&limit=0").statusCode()).isEqualTo(400);
    assertThat(chief.get("/api/cases?status=open&limit=501").statusCode()).isEqualTo(400);
    HttpResponse<Buffer> r = chief.get("/api/cases?status=open&after=Zm9vYmFy");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("invalid_cursor");
    assertThat(chief.get("/api/cases?status=open&after=%3Cscript%3E").statusCode()).isEqualTo(400);
    assertThat(page("&limit=500").getJsonArray("items")).hasSize(NORMAL + URGENT + 1);
  }
}
