package jp.kurashi.app;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;

/** The staff console in a browser: signing in as the test accounts do. */
final class ConsolePage {

  private ConsolePage() {
  }

  /** A fresh page of {@code context} on the console, signed in as {@code login} with its test password. */
  static Page open(BrowserContext context, RunningGateway running, String login) {
    Page page = context.newPage();
    page.navigate("http://127.0.0.1:" + running.gateway.httpPort() + "/console/");
    logIn(page, login, login + "-password-1");
    return page;
  }

  /** Fills the login form showing on {@code page} and submits it. */
  static void logIn(Page page, String login, String password) {
    page.getByLabel("ログインID").fill(login);
    page.getByLabel("パスワード").fill(password);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("ログイン").setExact(true)).click();
  }
}
