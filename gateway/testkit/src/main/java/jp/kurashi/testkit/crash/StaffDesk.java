package jp.kurashi.testkit.crash;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A consultant at the console: claims a resident's open case and replies through the staff API
 * (session cookie plus CSRF header, as the console does). A reply counts as queued only when the API
 * answered 202; a request cut by a kill is not retried, as a consultant would see an error and look
 * at the case first. Blocking calls: run it on its own thread, never on an event loop.
 */
final class StaffDesk {

  static final String ADMIN_PASSWORD = "crash-admin-password";
  private static final String LOGIN = "crash-consultant";
  private static final String PASSWORD = "crash-consultant-password";
  /** What the admin gives the account; the consultant replaces it at first login, as the gateway requires. */
  private static final String INITIAL_PASSWORD = "crash-consultant-initial";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final int port;
  private final Database db;
  private final Ledger ledger;
  private final Set<Long> claimed = ConcurrentHashMap.newKeySet();
  private boolean accountExists;
  private String cookie;
  private String csrf;

  /** An open case with resident messages, and its channel. */
  private record OpenCase(long id, Channel channel) {
  }

  StaffDesk(int port, Database db, Ledger ledger) {
    this.port = port;
    this.db = db;
    this.ledger = ledger;
  }

  /** One reply to a random open case; false when the gateway or database did not answer this time. */
  boolean replyOnce(Random random) {
    try {
      if (cookie == null && !signIn()) {
        return false;
      }
      List<OpenCase> cases = openCases();
      if (cases.isEmpty()) {
        return false;
      }
      OpenCase c = cases.get(random.nextInt(cases.size()));
      if (!claimed.contains(c.id())) {
        HttpResponse<String> claim = post("/api/cases/" + c.id() + "/claim", new JsonObject());
        int status = claim.statusCode();
        if (status == 401) {
          cookie = null;
          return false;
        }
        if (status != 200 && status != 409) {
          // The error code (never a message text) says which rule refused it.
          ledger.replyOutcome("claim " + status + " " + errorCode(claim));
          return false;
        }
        claimed.add(c.id());
      }
      String marker = ledger.newReply();
      ledger.replyAttempts.incrementAndGet();
      HttpResponse<String> r = post("/api/cases/" + c.id() + "/replies",
          new JsonObject().put("text", "お返事です。窓口でお話を伺います。" + marker));
      ledger.replyOutcome(String.valueOf(r.statusCode()));
      if (r.statusCode() == 202) {
        ledger.replies.put(marker, c.channel());
        return true;
      }
      if (r.statusCode() == 401) {
        cookie = null;
      }
      return false;
    } catch (IOException | SQLException e) {
      ledger.replyOutcome(e.getClass().getSimpleName());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private boolean logIn() throws IOException, InterruptedException {
    if (!accountExists) {
      if (!login("admin", ADMIN_PASSWORD)) {
        return false;
      }
      int status = post("/api/staff", new JsonObject().put("login", LOGIN).put("password", INITIAL_PASSWORD)
          .put("role", "consultant").put("displayName", "相談員 クラッシュ")).statusCode();
      // 409: created before a kill whose answer we never saw.
      if (status != 201 && status != 409) {
        cookie = null;
        return false;
      }
      accountExists = true;
    }
    if (login(LOGIN, PASSWORD)) {
      return true;
    }
    // First login (or a kill cut the password change): choose the consultant's own password.
    return login(LOGIN, INITIAL_PASSWORD)
        && post("/api/password", new JsonObject().put("current", INITIAL_PASSWORD).put("new", PASSWORD)).statusCode() == 204;
  }

  /**
   * Signs in, or forgets whatever session a failed attempt left: a kill can cut the password change after its
   * login, and that session may do nothing else (403 password_change_required on every claim until dropped).
   */
  private boolean signIn() throws IOException, InterruptedException {
    boolean in = false;
    try {
      in = logIn();
      return in;
    } finally {
      if (!in) {
        cookie = null;
      }
    }
  }

  private boolean login(String login, String password) throws IOException, InterruptedException {
    cookie = null;
    HttpResponse<String> r = http.send(request("/api/login").POST(HttpRequest.BodyPublishers.ofString(
        new JsonObject().put("login", login).put("password", password).encode())).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return false;
    }
    Optional<String> setCookie = r.headers().firstValue("Set-Cookie");
    if (setCookie.isEmpty()) {
      return false;
    }
    cookie = setCookie.get().split(";")[0];
    csrf = new JsonObject(r.body()).getString("csrfToken");
    return true;
  }

  private static String errorCode(HttpResponse<String> r) {
    try {
      return new JsonObject(r.body()).getString("error", "");
    } catch (RuntimeException notJson) {
      return "";
    }
  }

  private HttpResponse<String> post(String path, JsonObject body) throws IOException, InterruptedException {
    return http.send(request(path).header("Cookie", cookie).header("X-CSRF-Token", csrf)
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json");
  }

  /** Read from the database, as the console's queue would show them; only cases of this run's residents. */
  private List<OpenCase> openCases() throws SQLException {
    List<OpenCase> out = new ArrayList<>();
    try (Connection c = db.connect(); Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
        SELECT id, channel FROM consultation_case c
         WHERE status = 'open' AND EXISTS (SELECT 1 FROM message m WHERE m.case_id = c.id AND m.direction = 'in'
                                                AND m.body LIKE '%#crash-%')
        """)) {
      while (r.next()) {
        String channel = r.getString(2);
        for (Channel ch : Channel.values()) {
          if (ch.code.equals(channel)) {
            out.add(new OpenCase(r.getLong(1), ch));
          }
        }
      }
    }
    return out;
  }
}
