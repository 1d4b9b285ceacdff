package jp.kurashi.app;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Clock;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.Browsers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Map;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

/** The operator (法人本部) in Chromium: the offices' overview instead of the queue, and each office's report. */
@ExtendWith(VertxExtension.class)
@DisplayName("The operator's console in Chromium")
class OperatorConsoleBrowserTest {

  private static final String SECRET = "北の窓口への相談本文ひみつ";

  @RegisterExtension
  static final Browsers.Chromium chromium = Browsers.chromium();

  private RunningGateway running;
  private Database db;

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabases.migrated();
    // A pinned weekday 10:00: the case opened two hours before is in the same month as the report the page opens,
    // which at the real time would not hold in the first two hours of a month.
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), RunningGateway.deskOpen());
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    running.staff("honbu", Role.OPERATOR);
    // A second office with a crisis case waiting two hours, written straight into the database.
    var at = running.clock.instant().minus(Duration.ofHours(2)).atOffset(ZoneOffset.UTC);
    Await.result(db.pool().preparedQuery("""
        WITH o AS (INSERT INTO office (code, name) VALUES ('kita', '北区くらしサポート') RETURNING id),
             k AS (INSERT INTO contact (office_id, channel, external_id, display_name)
                   SELECT id, 'webchat', 'chat-kita', '北川太郎' FROM o RETURNING id, office_id),
             c AS (INSERT INTO consultation_case (office_id, contact_id, channel, urgency, opened_at, last_message_at, last_inbound_at)
                   SELECT office_id, id, 'webchat', 'crisis', $1, $1, $1 FROM k RETURNING id, contact_id)
        INSERT INTO message (case_id, contact_id, channel, direction, body, delivery, created_at)
        SELECT id, contact_id, 'webchat', 'in', $2, 'received', $1 FROM c""").execute(Tuple.of(at, SECRET)));
  }

  @AfterEach
  void stop() {
    running.close();
    Await.result(db.close());
  }

  @Test
  @DisplayName("the operator sees every office's counts instead of the queue, opens an office's report, and reads it in English")
  void overview() {
    BrowserContext context = chromium.newContext(1280, 900);
    // The page reckons waits and the report's month from its own clock: the gateway's.
    context.clock().install(new Clock.InstallOptions().setTime(running.clock.millis()));
    try {
      Page page = ConsolePage.open(context, running, "honbu");

      assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("事業所一覧"))).isVisible();
      Locator rows = page.getByTestId("offices").locator("tbody tr");
      assertThat(rows).hasCount(3);
      Locator kita = page.locator("tr[data-office='kita']");
      assertThat(kita).containsText("北区くらしサポート");
      // open 1, crisis 1, waiting 1, crisis waiting 1, waiting two hours
      assertThat(kita.locator("td").nth(0)).hasText("1");
      assertThat(kita.locator("td").nth(3)).hasText("1");
      assertThat(kita.locator("td").nth(4)).hasText("2時間");
      assertThat(page.locator("tr[data-office='all']")).containsText("全事業所(合計)");
      assertThat(page.locator("#nav-queue")).isHidden();
      assertThat(page.locator("body")).not().containsText(SECRET);
      assertThat(page.locator("body")).not().containsText("北川太郎");
      page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/console-operator.png")).setFullPage(true));

      kita.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("月次報告")).click();
      assertThat(page.getByTestId("report-office")).hasText("北区くらしサポート");
      assertThat(page.locator("[aria-label='月次報告'] tbody tr")).hasCount(13);
      assertThat(page.locator("[aria-label='月次報告'] tbody tr").last()).containsText("1");
      assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("CSV (UTF-8)")))
          .hasAttribute("href", java.util.regex.Pattern.compile("office=kita"));

      page.locator("#lang").click();
      page.locator("#nav-overview").click();
      assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Offices"))).isVisible();
      assertThat(page.locator("tr[data-office='all']")).containsText("All offices (total)");
      assertThat(page.locator("body")).not().containsText(SECRET);
    } finally {
      context.close();
    }
  }
}
