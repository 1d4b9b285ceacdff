package jp.kurashi.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
}
