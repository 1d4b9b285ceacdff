package jp.kurashi.app;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.core.store.StaffStore;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;
import jp.kurashi.testkit.TestPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("The first admin account")
class AdminBootstrapTest {

  @Test
  @DisplayName("two instances starting together on an empty database with GATEWAY_ADMIN_PASSWORD both start, and one admin exists")
  void instancesStartingTogether(Vertx vertx, @TempDir Path a, @TempDir Path b) {
    Database db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(TestPostgres.shared().newDatabaseUrl(), 4)));
    try {
      long office = Await.result(new OfficeStore(db.pool()).ensure("default", "窓口"));
      StaffStore staff = new StaffStore(db.pool(), TestClocks.ambient());
      PasswordHasher hasher = new PasswordHasher();
      PrintStream console = new PrintStream(new ByteArrayOutputStream());
      Optional<String> password = Optional.of("two-instances-admin-password");

      // Both count the staff before either has hashed the password: the race two replicas have at first start.
      Future<Void> first = new AdminBootstrap(vertx, staff, hasher, console, a).run(office, password);
      Future<Void> second = new AdminBootstrap(vertx, staff, hasher, console, b).run(office, password);

      Await.until(java.time.Duration.ofSeconds(30), "both bootstraps done", () -> first.isComplete() && second.isComplete());
      assertThat(first.succeeded() && second.succeeded())
          .as("both starts succeed (causes: %s, %s)", first.cause(), second.cause()).isTrue();
      assertThat(Await.result(staff.count())).isEqualTo(1);
      assertThat(Await.result(staff.credentials(AdminBootstrap.LOGIN))).isPresent();
    } finally {
      Await.result(db.close());
    }
  }
}
