package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The chief's audit view pages through a log of any length, and the CSV export carries all of it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DisplayName("Audit log paging and export")
class AuditPagingTest {

  /** More than the old cap of 10,000 rows and more than two of the export's pages. */
  private static final int WRITTEN = 12_345;

  private Vertx vertx;
  private RunningGateway running;
  private Database db;
  private RunningGateway.StaffClient chief;
  private long chiefId;

  @BeforeAll
  void start() {
    vertx = Vertx.vertx();
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), RunningGateway.deskOpen());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    chief = running.chief();
    chiefId = Await.result(db.pool().preparedQuery("SELECT id FROM staff WHERE login = 'chief'").execute())
        .iterator().next().getLong(0);
    // Years of a desk's reads, as the gateway writes them (the log is append-only: inserts only).
    Await.result(db.pool().preparedQuery("INSERT INTO audit_log (staff_id, action, allowed, remote_addr) "
        + "SELECT $1, 'case.list', true, '127.0.0.1' FROM generate_series(1, $2)")
        .execute(Tuple.of(chiefId, WRITTEN)));
  }

  @AfterAll
  void stop() {
    db.close();
    running.close();
    vertx.close();
  }

  /** One office on this database: every row is the office's. */
  private long rows() {
    return Await.result(db.pool().query("SELECT count(*) FROM audit_log").execute()).iterator().next().getLong(0);
  }

  @Test
  @DisplayName("pages newest first by id: every row once, none shifted by rows written meanwhile, next null at the end")
  void pages() {
    HttpResponse<Buffer> first = chief.get("/api/audit?limit=1000");
    assertThat(first.statusCode()).isEqualTo(200);
    JsonObject page = first.bodyAsJsonObject();
    assertThat(page.getJsonArray("items")).hasSize(1000);
    long newest = page.getJsonArray("items").getJsonObject(0).getLong("id");

    List<Long> seen = new ArrayList<>();
    page.getJsonArray("items").forEach(i -> seen.add(((JsonObject) i).getLong("id")));
    // Rows written while the chief pages (this very paging writes audit.read rows) are newer than the first page.
    Await.result(db.pool().preparedQuery("INSERT INTO audit_log (staff_id, action, allowed) "
        + "SELECT $1, 'case.list', true FROM generate_series(1, 50)").execute(Tuple.of(chiefId)));
    int pages = 1;
    while (page.getValue("next") != null) {
      HttpResponse<Buffer> next = chief.get("/api/audit?limit=1000&before=" + page.getLong("next"));
      assertThat(next.statusCode()).isEqualTo(200);
      page = next.bodyAsJsonObject();
      page.getJsonArray("items").forEach(i -> seen.add(((JsonObject) i).getLong("id")));
      pages++;
      assertThat(pages).as("paging ends").isLessThan(100);
    }
    assertThat(seen).as("newest first").isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(new HashSet<>(seen)).as("no row twice").hasSameSizeAs(seen);
    long upToFirst = Await.result(db.pool().preparedQuery("SELECT count(*) FROM audit_log WHERE id <= $1")
        .execute(Tuple.of(newest)))
        .iterator().next().getLong(0);
    assertThat((long) seen.size()).as("every row of the office up to the first page's newest").isEqualTo(upToFirst);
    assertThat(upToFirst).isGreaterThan(WRITTEN);

    assertThat(chief.get("/api/audit").bodyAsJsonObject().getJsonArray("items")).as("a screen's worth by default")
        .hasSize(200);
    assertThat(chief.get("/api/audit?limit=1001").statusCode()).as("over the contract's limit").isEqualTo(400);
    assertThat(chief.get("/api/audit?before=abc").statusCode()).isEqualTo(400);
  }

  @Test
  @DisplayName("the CSV export carries every row, past the 10,000 it was cut at, streamed in pages")
  void exportsAll() {
    long before = rows();
    HttpResponse<Buffer> csv = chief.get("/api/audit.csv");
    assertThat(csv.statusCode()).isEqualTo(200);
    List<String> lines = csv.bodyAsString().lines().toList();
    assertThat(lines.get(0)).isEqualTo("\uFEFFid,at,staff_id,login,case_id,action,allowed,remote_addr");
    Set<String> ids = new HashSet<>();
    lines.subList(1, lines.size()).forEach(l -> ids.add(l.substring(0, l.indexOf(','))));
    assertThat(ids).as("one line per row, none twice").hasSize(lines.size() - 1);
    // Every row there was when it started (its own audit row is written after the first page is read).
    assertThat((long) ids.size()).isEqualTo(before);
    assertThat(ids.size()).isGreaterThan(10_000);

    String fourthOldest = lines.get(lines.size() - 4);
    List<String> older = chief.get("/api/audit.csv?before=" + fourthOldest.substring(0, fourthOldest.indexOf(',')))
        .bodyAsString().lines().toList();
    assertThat(older).as("header and the three oldest rows").hasSize(4);
    assertThat(older.subList(1, 4)).isEqualTo(lines.subList(lines.size() - 3, lines.size()));
  }
}
