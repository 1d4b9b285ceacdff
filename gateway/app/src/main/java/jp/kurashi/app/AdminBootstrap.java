package jp.kurashi.app;

import jp.kurashi.core.config.ConfigException;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import jp.kurashi.app.embedded.PrivateFiles;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.security.SecretTokens;
import jp.kurashi.core.store.StaffStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * On an empty staff table, creates {@code admin} with {@code GATEWAY_ADMIN_PASSWORD}, or with a generated
 * password written to {@code DATA_DIR/initial-admin-password} (0600), which must be changed at first login.
 * The password never goes to the log or the console: they say only where the file is. Once the admin has
 * chosen their own password, the next start deletes the file.
 */
final class AdminBootstrap {

  private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);
  static final String LOGIN = "admin";
  static final String PASSWORD_FILE = "initial-admin-password";

  private final Vertx vertx;
  private final StaffStore staff;
  private final PasswordHasher hasher;
  private final PrintStream console;
  private final Path dataDir;

  AdminBootstrap(Vertx vertx, StaffStore staff, PasswordHasher hasher, PrintStream console, Path dataDir) {
    this.vertx = vertx;
    this.staff = staff;
    this.hasher = hasher;
    this.console = console;
    this.dataDir = dataDir;
  }

  Future<Void> run(long officeId, Optional<String> configuredPassword) {
    return staff.count().compose(n -> {
      if (n > 0) {
        return removeUsedFile(LOGIN, dataDir.resolve(PASSWORD_FILE));
      }
      return configuredPassword.isPresent() ? create(officeId, LOGIN, configuredPassword.get(), false)
          : generate(officeId, LOGIN, dataDir.resolve(PASSWORD_FILE));
    });
  }

  /**
   * A further office of {@code OFFICES_FILE} without any account: its own administrator {@code admin-<code>}, whose
   * generated password is written to {@code DATA_DIR/initial-admin-password-<code>} and must be changed at first
   * login (never {@code GATEWAY_ADMIN_PASSWORD}: one known password must not open every office). An administrator
   * creates staff in their own office only, so each office needs its own.
   */
  Future<Void> runForOffice(long officeId, String code) {
    String login = LOGIN + "-" + code;
    Path file = dataDir.resolve(PASSWORD_FILE + "-" + code);
    return staff.countIn(officeId).compose(n -> n > 0 ? removeUsedFile(login, file) : generate(officeId, login, file));
  }

  /**
   * The operator chose {@code GATEWAY_ADMIN_PASSWORD} (checked against known defaults), so no forced change.
   * Instances started together on an empty database all see no staff; one creates the account, and the others'
   * unique violation means it exists, not that the start failed.
   */
  private Future<Void> create(long officeId, String login, String password, boolean generated) {
    return vertx.executeBlocking(() -> hasher.hash(password), false)
        .compose(hash -> staff.create(officeId, login, "管理者", Role.ADMIN, hash, generated))
        .<Void>map(id -> {
          LOG.atInfo().addKeyValue("login", login).addKeyValue("staffId", id).addKeyValue("generated", generated)
              .log("first admin account created");
          return null;
        })
        .recover(err -> !generated && isUniqueViolation(err) ? Future.succeededFuture() : Future.failedFuture(err));
  }

  private static boolean isUniqueViolation(Throwable err) {
    return err instanceof PgException pg && "23505".equals(pg.getSqlState());
  }

  /**
   * The file is written before the account exists, so its password is never lost; if the account is not
   * created (another instance won the race, or the database failed), the file goes again.
   */
  private Future<Void> generate(long officeId, String login, Path file) {
    String password = SecretTokens.newToken().substring(0, 24);
    return vertx.executeBlocking(() -> {
      PrivateFiles.privateDirectory(dataDir);
      PrivateFiles.writeSecret(file, password);
      return null;
    }, false)
        .recover(err -> Future.failedFuture(new ConfigException("cannot write the first admin password to " + file
            + " (" + err.getClass().getSimpleName() + "): DATA_DIR must be writable, or set GATEWAY_ADMIN_PASSWORD")))
        .compose(v -> create(officeId, login, password, true))
        .map(v -> {
          LOG.atWarn().addKeyValue("login", login).addKeyValue("file", file.toAbsolutePath().toString())
              .log("first admin password written to a file readable only by the gateway's user; change it at first login");
          console.println("""

              ============================================================
               First start: staff account "%s" was created.
               初回起動: 管理者アカウント "%s" を作成しました。
               Its password is in / パスワードはこのファイルにあります:
                 %s
               Log in and change it; the file is then deleted.
               ログイン後に変更してください。変更後、このファイルは削除されます。
              ============================================================
              """.formatted(login, login, file.toAbsolutePath()));
          return (Void) null;
        })
        .recover(err -> deleteFile(file).transform(ignored -> isUniqueViolation(err)
            ? Future.succeededFuture() // another instance created it at the same moment
            : Future.failedFuture(err)));
  }

  /** The generated password is spent once the admin has chosen their own: its file goes. */
  private Future<Void> removeUsedFile(String login, Path file) {
    return vertx.executeBlocking(() -> Files.exists(file), false).compose(exists -> !exists ? Future.succeededFuture()
        : staff.credentials(login).compose(admin -> admin.isPresent() && admin.get().mustChangePassword()
            ? Future.succeededFuture()
            : deleteFile(file).map(v -> {
              LOG.atInfo().addKeyValue("file", file.toAbsolutePath().toString())
                  .log("first admin password changed; its file deleted");
              return null;
            })));
  }

  private Future<Void> deleteFile(Path file) {
    return vertx.executeBlocking(() -> {
      try {
        Files.deleteIfExists(file);
      } catch (IOException e) {
        LOG.atWarn().addKeyValue("file", file.toAbsolutePath().toString()).log("cannot delete the first admin password file");
      }
      return null;
    }, false);
  }
}
