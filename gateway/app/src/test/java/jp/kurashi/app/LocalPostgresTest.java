package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.app.embedded.LocalPostgres;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import java.time.Clock;
import jp.kurashi.testkit.TestClocks;

@ExtendWith(VertxExtension.class)
@DisplayName("The embedded PostgreSQL default")
class LocalPostgresTest {

  private final Clock clock = TestClocks.ambient();

  @Test
  @DisplayName("keeps data across a restart on the same directory")
  void dataSurvivesRestart(Vertx vertx, @TempDir Path dataDir) throws Exception {
    long messageId;
    try (LocalPostgres pg = LocalPostgres.start(dataDir.resolve("pg"), 0)) {
      Database db = Await.result(Database.open(vertx, pg.settings(4)));
      long office = Await.result(new OfficeStore(db.pool()).ensure("default", "テスト"));
      messageId = Await.result(new MessageStore(db.pool(), clock).ingest(office,
          new InboundMessage("webchat", "keep-1", "c-1", null, "再起動しても消えないで", clock.instant()))).messageId();
      Await.result(db.close());
    }

    try (LocalPostgres pg = LocalPostgres.start(dataDir.resolve("pg"), 0)) {
      Database db = Await.result(Database.open(vertx, pg.settings(4)));
      String body = Await.result(db.pool().query("SELECT body FROM message WHERE id = " + messageId).execute())
          .iterator().next().getString("body");
      Await.result(db.close());
      assertThat(body).isEqualTo("再起動しても消えないで");
    }
  }
}
