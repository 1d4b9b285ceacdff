package jp.kurashi.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.security.SecretTokens;
import jp.kurashi.core.store.StaffStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Optional;

/**
 * On an empty staff table, creates {@code admin} with {@code GATEWAY_ADMIN_PASSWORD}, or with a
 * generated password printed once to the console (never to the log).
 */
final class AdminBootstrap {

  private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);
  static final String LOGIN = "admin";

  private final Vertx vertx;
  private final StaffStore staff;
  private final PasswordHasher hasher;
  private final PrintStream console;

  AdminBootstrap(Vertx vertx, StaffStore staff, PasswordHasher hasher, PrintStream console) {
    this.vertx = vertx;
    this.staff = staff;
    this.hasher = hasher;
    this.console = console;
  }

  Future<Void> run(long officeId, Optional<String> configuredPassword) {
    return staff.count().compose(n -> {
      if (n > 0) {
        return Future.succeededFuture();
      }
      String password = configuredPassword.orElseGet(() -> SecretTokens.newToken().substring(0, 20));
      return vertx.executeBlocking(() -> hasher.hash(password), false)
          .compose(hash -> staff.create(officeId, LOGIN, "管理者", Role.ADMIN, hash))
          .<Void>map(id -> {
            LOG.atInfo().addKeyValue("login", LOGIN).addKeyValue("staffId", id).log("first admin account created");
            if (configuredPassword.isEmpty()) {
              console.println("""

                  ============================================================
                   First start: staff account "admin" was created.
                   初回起動: 管理者アカウント "admin" を作成しました。
                   Password / パスワード: %s
                   This is shown only once. Log in and change it.
                   この表示は一度だけです。ログイン後に変更してください。
                  ============================================================
                  """.formatted(password));
            }
            return null;
          })
          .recover(err -> err instanceof PgException pg && "23505".equals(pg.getSqlState())
              ? Future.succeededFuture() // another instance created it at the same moment
              : Future.failedFuture(err));
    });
  }
}
