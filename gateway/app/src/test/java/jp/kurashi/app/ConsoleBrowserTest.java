package jp.kurashi.app;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.domain.Role;
import jp.kurashi.testkit.Browsers;
import jp.kurashi.testkit.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The staff console in Chromium")
class ConsoleBrowserTest {

  private static Playwright playwright;
  private static Browser browser;
  private RunningGateway running;
  private final jp.kurashi.testkit.MovableClock clock = new jp.kurashi.testkit.MovableClock(jp.kurashi.testkit.TestClocks.ambient());

  @BeforeAll
  static void launch() {
    if (!Browsers.chromiumInstalled()) {
      if (Browsers.inCi()) {
        throw new IllegalStateException(Browsers.HOW_TO_RUN);
      }
      Assumptions.abort(Browsers.HOW_TO_RUN);
    }
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
        .setExecutablePath(Browsers.CHROMIUM).setArgs(Browsers.CHROMIUM_ARGS).setHeadless(true));
  }

  @AfterAll
  static void close() {
    if (playwright != null) {
      playwright.close();
    }
  }

  @BeforeEach
  void start(Vertx vertx) {
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestPostgres.shared().newDatabaseUrl(),
        "SSE_SESSION_CHECK_SECONDS", "1"), clock);
    running.staff("sato", Role.CONSULTANT);
  }

  @AfterEach
  void stop() {
    running.close();
  }

  private String base() {
    return "http://127.0.0.1:" + running.gateway.httpPort();
  }

  private static Locator button(Page page, String name) {
    return page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName(name).setExact(true));
  }

  @Test
  @DisplayName("a consultant sees a chat arrive live, claims it, replies, hands over; resident text stays text")
  void consultantFlow() {
    BrowserContext staffContext = browser.newContext(new Browser.NewContextOptions().setLocale("ja-JP").setViewportSize(1280, 900));
    BrowserContext residentContext = browser.newContext(new Browser.NewContextOptions().setLocale("ja-JP").setViewportSize(390, 844));
    AtomicInteger dialogs = new AtomicInteger();
    try {
      Page consultant = staffContext.newPage();
      consultant.onDialog(d -> {
        dialogs.incrementAndGet();
        d.dismiss();
      });
      consultant.navigate(base() + "/console/");
      consultant.getByLabel("ログインID").fill("sato");
      consultant.getByLabel("パスワード").fill("sato-password-1");
      button(consultant, "ログイン").click();
      assertThat(consultant.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("受付一覧"))).isVisible();
      assertThat(consultant.locator("#channel-health")).containsText("webchat OK");

      Page resident = residentContext.newPage();
      resident.navigate(base() + "/chat");
      button(resident, "同意して相談をはじめる").click();
      resident.getByLabel("メッセージ").fill("<img src=x onerror=alert(1)> 家賃を3か月滞納しています");
      resident.keyboard().press("Enter");
      assertThat(resident.locator(".kc-resident[data-id]")).hasCount(1);

      Locator row = consultant.locator("tbody tr").first();
      assertThat(row).containsText("滞納");
      row.click();
      assertThat(consultant.getByText("担当すると読めます")).isVisible();
      button(consultant, "担当する").click();

      Locator message = consultant.locator(".msg.in").first();
      assertThat(message).containsText("<img src=x onerror=alert(1)> 家賃を3か月滞納しています");
      assertThat(consultant.locator(".msg img")).hasCount(0);

      consultant.getByLabel("返信").last().fill("ご相談ありがとうございます。相談員の佐藤です。");
      button(consultant, "送信").click();
      assertThat(resident.locator(".kc-staff")).containsText("相談員の佐藤です");
      assertThat(consultant.locator(".msg.out").first()).containsText("送信済み");

      consultant.locator("#handoff-kind").selectOption("outreach");
      consultant.locator("#handoff-note").fill("家賃滞納3か月。訪問で生活状況を確認する。");
      consultant.locator("#handoff-message").fill("来週、相談員がご自宅に伺います。ご都合を教えてください。");
      button(consultant, "つなぎを登録して確認を送る").click();
      assertThat(resident.locator(".kc-staff").filter(new Locator.FilterOptions().setHasText("ご自宅に伺います")))
          .isVisible(new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions().setTimeout(20_000));
      assertThat(consultant.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("引き継ぎ票を印刷")).first())
          .isVisible(new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions().setTimeout(20_000));

      consultant.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/console-case.png")).setFullPage(true));
      Page summary = staffContext.newPage();
      summary.navigate(consultant.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("引き継ぎ票を印刷")).first()
          .getAttribute("href").replaceFirst("^/", base() + "/"));
      assertThat(summary.getByText("インテーク引き継ぎ票")).isVisible();
      assertThat(summary.getByText("訪問(アウトリーチ)")).isVisible();
      summary.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/console-intake-summary.png")));
      assertThat(dialogs.get()).as("no script from resident text ran").isZero();
    } finally {
      staffContext.close();
      residentContext.close();
    }
  }

  @Test
  @DisplayName("the chief's monthly report page shows the table, Chart.js charts and both CSV downloads")
  void reportsPage() {
    running.chief();
    BrowserContext context = browser.newContext(new Browser.NewContextOptions().setLocale("ja-JP").setViewportSize(1280, 900));
    try {
      Page chief = context.newPage();
      chief.navigate(base() + "/console/");
      chief.getByLabel("ログインID").fill("chief");
      chief.getByLabel("パスワード").fill("chief-password-1");
      button(chief, "ログイン").click();
      chief.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("月次報告")).click();
      assertThat(chief.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("月次報告"))).isVisible();
      assertThat(chief.locator("tbody tr")).hasCount(13);
      assertThat(chief.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("CSV (UTF-8)"))).isVisible();
      assertThat(chief.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("CSV (Shift_JIS)"))).isVisible();
      chief.waitForFunction("() => window.Chart && window.Chart.getChart(document.getElementById('chart-months'))");
      chief.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/console-reports.png")).setFullPage(true));
      chief.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("閲覧記録")).click();
      assertThat(chief.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("閲覧記録"))).isVisible();
      assertThat(chief.locator("tbody tr").first()).containsText("login");
    } finally {
      context.close();
    }
  }

  @Test
  @DisplayName("a console left open past SESSION_IDLE_MINUTES returns to the login screen saying why; logging out says nothing")
  void idleLogout() {
    BrowserContext context = browser.newContext(new Browser.NewContextOptions().setLocale("ja-JP").setViewportSize(1280, 900));
    try {
      Page consultant = context.newPage();
      consultant.navigate(base() + "/console/");
      consultant.getByLabel("ログインID").fill("sato");
      consultant.getByLabel("パスワード").fill("sato-password-1");
      button(consultant, "ログイン").click();
      assertThat(consultant.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("受付一覧"))).isVisible();

      clock.advance(java.time.Duration.ofMinutes(31));
      // Nobody touches the page: the server ends the live stream, the console asks why and shows it.
      assertThat(consultant.getByRole(AriaRole.ALERT)).hasText("一定時間操作がなかったため、ログアウトしました",
          new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(15_000));
      assertThat(consultant.getByLabel("ログインID")).isVisible();
      consultant.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/console-idle-logout.png")));
      consultant.reload();
      assertThat(consultant.getByRole(AriaRole.ALERT)).hasText("一定時間操作がなかったため、ログアウトしました");

      consultant.getByLabel("ログインID").fill("sato");
      consultant.getByLabel("パスワード").fill("sato-password-1");
      button(consultant, "ログイン").click();
      assertThat(consultant.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("受付一覧"))).isVisible();
      button(consultant, "ログアウト").click();
      assertThat(consultant.getByLabel("ログインID")).isVisible();
      assertThat(consultant.getByRole(AriaRole.ALERT)).hasText("");
    } finally {
      context.close();
    }
  }
}
