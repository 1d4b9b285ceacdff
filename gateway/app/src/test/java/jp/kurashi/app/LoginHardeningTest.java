package jp.kurashi.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, item 4: attempts are counted before hashing, locked and unknown logins look alike, a per-address
 * limit, TOTP codes used once, every refusal audited with the login tried. Real gateway and database; the
 * only stand-in is a password hasher that counts its evaluations by the stored hash it compared against.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Login hardening")
class LoginHardeningTest {

  private final CountingHasher hasher = new CountingHasher();
  private RunningGateway running;
  private Database db;

  @BeforeEach
  void start(Vertx vertx) {
    String url = TestDatabases.migrated();
    running = RunningGateway.start(vertx, Map.of("DATABASE_URL", url), hasher);
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, 2)));
    running.staff("sato", Role.CONSULTANT);
  }

  @AfterEach
  void stop() {
    running.close();
    Await.result(db.close());
  }

  @Test
  @DisplayName("100 concurrent wrong logins then the right password 50 ms later: refused, at most 5 hashes of the real password")
  void parallelBurst() throws Exception {
    WebClient client = WebClient.create(running.vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(running.gateway.httpPort()), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(100));
    String realHash = passwordHash("sato");
    int before = hasher.against(realHash); // the set-up's own login
    List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      burst.add(client.post("/api/login").sendJsonObject(new JsonObject().put("login", "sato").put("password", "guess-" + i)));
    }
    Thread.sleep(50);
    HttpResponse<Buffer> right = Await.result(client.post("/api/login")
        .sendJsonObject(new JsonObject().put("login", "sato").put("password", "sato-password-1")));
    Await.result(Future.all(burst));

    assertThat(hasher.against(realHash) - before).as("hashes of the real password").isLessThanOrEqualTo(5);
    assertThat(right.statusCode()).isEqualTo(401);
    assertThat(right.bodyAsJsonObject().getString("error")).isEqualTo("invalid_credentials");
    assertThat(burst).allSatisfy(r -> assertThat(r.result().statusCode()).isEqualTo(401));
    assertThat(refusedLogins("sato")).isEqualTo(101);
  }

  @Test
  @DisplayName("a locked account and an unknown login get the same status and body, after the same hashing work")
  void lockedLooksUnknown() {
    for (int i = 0; i < 5; i++) {
      running.client().login("sato", "wrong-password");
    }
    int before = hasher.total();
    HttpResponse<Buffer> locked = running.client().login("sato", "sato-password-1");
    int lockedHashes = hasher.total() - before;
    before = hasher.total();
    HttpResponse<Buffer> unknown = running.client().login("nobody-here", "sato-password-1");
    int unknownHashes = hasher.total() - before;

    assertThat(locked.statusCode()).isEqualTo(unknown.statusCode()).isEqualTo(401);
    assertThat(locked.bodyAsString()).isEqualTo(unknown.bodyAsString());
    assertThat(locked.headers().names()).containsExactlyInAnyOrderElementsOf(unknown.headers().names());
    // One (decoy) hash each, as a wrong password costs: the answer's timing does not tell them apart either.
    assertThat(lockedHashes).isEqualTo(unknownHashes).isEqualTo(1);
    assertThat(refusal("sato", "locked")).isEqualTo(1);
    assertThat(Await.result(db.pool().query("SELECT count(*) FROM audit_log WHERE action = 'login' AND NOT allowed "
        + "AND detail->>'refusal' = 'unknown_login' AND NOT detail ? 'login'").execute()).iterator().next().getLong(0))
        .as("an unknown name is not kept: it may be a password typed into the wrong field").isOne();
    assertThat(Await.result(db.pool().query("SELECT count(*) FROM audit_log WHERE detail::text LIKE '%nobody-here%'")
        .execute()).iterator().next().getLong(0)).isZero();
    assertThat(refusal("sato", "wrong_password")).isEqualTo(5);
  }

  @Test
  @DisplayName("a TOTP code that logged in once is refused when replayed in its window; missing and wrong codes are audited")
  void totpReplay() throws Exception {
    RunningGateway.StaffClient sato = running.client();
    sato.login("sato", "sato-password-1");
    String secret = sato.post("/api/totp/setup", new JsonObject(), true).bodyAsJsonObject().getString("secret");
    long step = running.clock.instant().getEpochSecond() / 30;
    assertThat(sato.post("/api/totp/enable", new JsonObject().put("code", AccountsTest.code(secret, step)), true)
        .statusCode()).isEqualTo(204);

    String next = AccountsTest.code(secret, step + 1);
    assertThat(loginWithCode(next).statusCode()).isEqualTo(200);
    HttpResponse<Buffer> replayed = loginWithCode(next);
    assertThat(replayed.statusCode()).isEqualTo(401);
    assertThat(replayed.bodyAsJsonObject().getString("error")).isEqualTo("invalid_credentials");
    // The enabling code is used up too.
    assertThat(loginWithCode(AccountsTest.code(secret, step)).statusCode()).isEqualTo(401);
    assertThat(loginWithCode(null).bodyAsJsonObject().getString("error")).isEqualTo("totp_required");
    String wrong = AccountsTest.code(secret, step + 1).equals("123456") ? "654321" : "123456";
    assertThat(loginWithCode(wrong).statusCode()).isEqualTo(401);

    assertThat(refusal("sato", "code_replayed")).isEqualTo(2);
    assertThat(refusal("sato", "code_missing")).isEqualTo(1);
    assertThat(refusal("sato", "code_wrong")).isEqualTo(1);
  }

  @Test
  @DisplayName("past LOGIN_MAX_PER_MINUTE from one address: 429 with Retry-After, even for the right password")
  void perAddressLimit(Vertx vertx) {
    try (RunningGateway limited = RunningGateway.start(vertx, Map.of(
        "DATABASE_URL", TestDatabases.migrated(), "LOGIN_MAX_PER_MINUTE", "3"))) {
      for (int i = 0; i < 3; i++) {
        assertThat(limited.client().login("admin", "wrong-password-" + i).statusCode()).isEqualTo(401);
      }
      HttpResponse<Buffer> refused = limited.client().login("admin", RunningGateway.ADMIN_PASSWORD);
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(refused.bodyAsJsonObject().getString("error")).isEqualTo("too_many_logins");
      assertThat(Integer.parseInt(refused.getHeader("Retry-After"))).isBetween(1, 60);
    }
  }

  private HttpResponse<Buffer> loginWithCode(String code) {
    JsonObject body = new JsonObject().put("login", "sato").put("password", "sato-password-1");
    if (code != null) {
      body.put("code", code);
    }
    return Await.result(WebClient.create(running.vertx).post(running.gateway.httpPort(), "127.0.0.1", "/api/login")
        .sendJsonObject(body));
  }

  private String passwordHash(String login) {
    return Await.result(db.pool().preparedQuery("SELECT password_hash FROM staff WHERE login = $1")
        .execute(Tuple.of(login))).iterator().next().getString(0);
  }

  private long refusedLogins(String login) {
    Row row = Await.result(db.pool().preparedQuery(
            "SELECT count(*) FROM audit_log WHERE action = 'login' AND NOT allowed AND detail->>'login' = $1")
        .execute(Tuple.of(login))).iterator().next();
    return row.getLong(0);
  }

  private long refusal(String login, String why) {
    Row row = Await.result(db.pool().preparedQuery("""
            SELECT count(*) FROM audit_log WHERE action = 'login' AND NOT allowed
               AND detail->>'login' = $1 AND detail->>'refusal' = $2""")
        .execute(Tuple.of(login, why))).iterator().next();
    return row.getLong(0);
  }

  /** Counts each verification by the stored hash it was compared against. */
  static final class CountingHasher extends PasswordHasher {
    private final Map<String, AtomicInteger> byStoredHash = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();

    CountingHasher() {
      super(1024, 1, 1);
    }

    @Override
    public boolean verify(String password, String stored) {
      total.incrementAndGet();
      byStoredHash.computeIfAbsent(stored, k -> new AtomicInteger()).incrementAndGet();
      return super.verify(password, stored);
    }

    int against(String stored) {
      AtomicInteger n = byStoredHash.get(stored);
      return n == null ? 0 : n.get();
    }

    int total() {
      return total.get();
    }
  }
}
