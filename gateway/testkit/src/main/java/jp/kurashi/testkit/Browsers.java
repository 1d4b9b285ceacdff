package jp.kurashi.testkit;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Where the browser for Playwright tests is, and whether tests may skip without one: locally they
 * skip with a message; in CI ({@code CI=true}) a missing browser fails them.
 */
public final class Browsers {

  /** Debian's chromium package; `.ci/run` installs it. */
  public static final Path CHROMIUM = Path.of(System.getProperty("kurashi.chromium", "/usr/bin/chromium"));

  /** The flags this machine's closed network needs (no background connections, no sandbox as root). */
  public static final List<String> CHROMIUM_ARGS = List.of("--no-sandbox", "--disable-gpu",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
      "--no-first-run", "--disable-dev-shm-usage");

  public static final String HOW_TO_RUN = "browser tests need Chromium at " + CHROMIUM
      + ": apt-get install -y chromium fonts-noto-cjk (or run .ci/run); they run, and must pass, when CI=true";

  private Browsers() {
  }

  public static boolean chromiumInstalled() {
    return Files.isExecutable(CHROMIUM);
  }

  public static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }

  /**
   * One headless Chromium for a test class, launched before its tests and closed after them:
   * {@code @RegisterExtension static final Browsers.Chromium chromium = Browsers.chromium();}.
   * Without Chromium the class is skipped, or fails in CI.
   */
  public static Chromium chromium() {
    return new Chromium();
  }

  /** A test class's Chromium (see {@link #chromium()}). */
  public static final class Chromium implements BeforeAllCallback, AfterAllCallback {

    // Set by beforeAll, read by the class's tests: JUnit runs them after it on the same class.
    private Playwright playwright;
    private Browser browser;

    private Chromium() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
      if (!chromiumInstalled()) {
        if (inCi()) {
          throw new IllegalStateException(HOW_TO_RUN);
        }
        Assumptions.abort(HOW_TO_RUN);
      }
      // The browser is Debian's, never one Playwright would download.
      playwright = Playwright.create(new Playwright.CreateOptions()
          .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
      browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
          .setExecutablePath(CHROMIUM).setArgs(CHROMIUM_ARGS).setHeadless(true));
    }

    @Override
    public void afterAll(ExtensionContext context) {
      if (playwright != null) {
        playwright.close();
      }
    }

    public Browser browser() {
      return browser;
    }

    /** A fresh context (no cookies, no storage) in Japanese, with a window of this size. */
    public BrowserContext newContext(int width, int height) {
      return browser.newContext(new Browser.NewContextOptions().setLocale("ja-JP").setViewportSize(width, height));
    }
  }
}
