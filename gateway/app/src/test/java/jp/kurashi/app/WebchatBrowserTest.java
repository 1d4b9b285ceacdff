package jp.kurashi.app;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
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

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The resident chat page in Chromium")
class WebchatBrowserTest {

  private static Playwright playwright;
  private static Browser browser;
  private RunningGateway running;
  private BrowserContext context;

  @BeforeAll
  static void launch() {
    if (!Browsers.chromiumInstalled()) {
      if (Browsers.inCi()) {
        throw new IllegalStateException(Browsers.HOW_TO_RUN);
      }
      Assumptions.abort(Browsers.HOW_TO_RUN);
    }
    playwright = Playwright.create(new Playwright.CreateOptions()
        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
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
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", TestPostgres.shared().newDatabaseUrl()));
    context = browser.newContext(new Browser.NewContextOptions().setLocale("ja-JP").setViewportSize(390, 844));
  }

  @AfterEach
  void stop() {
    context.close();
    running.close();
  }

  private String base() {
    return "http://127.0.0.1:" + running.gateway.httpPort();
  }

  @Test
  @DisplayName("consent, send, see the ack, get a staff reply without reload, and keep the history after reload")
  void conversation() {
    Page page = context.newPage();
    page.navigate(base() + "/chat");

    assertThat(page.getByText("はじめにお読みください")).isVisible();
    assertThat(page.getByText("よりそいホットライン")).isVisible();
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("同意して相談をはじめる")).click();

    Locator input = page.getByLabel("メッセージ");
    input.fill("仕事がなくなり、家賃が払えません");
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("送信")).click();

    Locator mine = page.locator(".kc-resident").filter(new Locator.FilterOptions().setHasText("家賃が払えません"));
    assertThat(mine).hasAttribute("data-id", java.util.regex.Pattern.compile("\\d+"));
    assertThat(mine.locator(".kc-meta")).containsText("送信済み");

    RunningGateway.StaffClient admin = running.client();
    admin.login("admin", RunningGateway.ADMIN_PASSWORD);
    long caseId = admin.get("/api/cases?status=open").bodyAsJsonObject().getJsonArray("items").getJsonObject(0).getLong("id");
    assertThat(admin.post("/api/cases/" + caseId + "/replies",
        new JsonObject().put("text", "ご相談ありがとうございます。相談員の田中です。"), true).statusCode()).isEqualTo(202);

    Locator reply = page.locator(".kc-staff").filter(new Locator.FilterOptions().setHasText("相談員の田中です"));
    assertThat(reply).isVisible();

    page.reload();
    assertThat(page.locator(".kc-resident").filter(new Locator.FilterOptions().setHasText("家賃が払えません"))).isVisible();
    assertThat(page.locator(".kc-staff").filter(new Locator.FilterOptions().setHasText("相談員の田中です"))).isVisible();
    assertThat(page.locator(".kc-msg")).hasCount(2);
    page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/webchat-conversation.png"))
        .setFullPage(true));
  }

  @Test
  @DisplayName("switches to English and is usable with the keyboard alone")
  void englishAndKeyboard() {
    Page page = context.newPage();
    page.navigate(base() + "/chat");
    page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Switch to English"))
        .click();
    assertThat(page.getByText("Please read first")).isVisible();

    Locator agree = page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("I agree, start the chat"));
    agree.focus();
    page.keyboard().press("Enter");
    Locator input = page.getByLabel("Message");
    assertThat(input).isVisible();
    input.focus();
    page.keyboard().type("I lost my job and need help");
    page.keyboard().press("Enter");
    assertThat(page.locator(".kc-resident[data-id]")).containsText("I lost my job");
    page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/webchat-english.png")));
  }

  @Test
  @DisplayName("adds a launcher to any page with one script tag")
  void widgetOnAnotherPage() {
    Page page = context.newPage();
    page.setContent("<!doctype html><html lang=ja><body><h1>区役所</h1><script src=\"" + base()
        + "/webchat/widget.js\"></script></body></html>");
    Locator launcher = page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
        new Page.GetByRoleOptions().setName("チャットで相談する(新しいパネルが開きます)"));
    launcher.click();
    assertThat(page.getByText("はじめにお読みください")).isVisible();
    page.screenshot(new Page.ScreenshotOptions().setPath(Path.of("target/screenshots/webchat-widget.png")));
  }
}
