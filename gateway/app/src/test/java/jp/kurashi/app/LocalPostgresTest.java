package jp.kurashi.app;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.app.embedded.LocalPostgres;
import jp.kurashi.app.embedded.PostgresBinaries;
import jp.kurashi.app.embedded.PrivateFiles;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.testkit.Await;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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

  @Test
  @DisplayName("gives a second folder links to the programs this JVM unpacked, and unpacks again when they are gone")
  void programsLinkedOnce(@TempDir Path dir) throws Exception {
    PostgresBinaries first = PostgresBinaries.unpack(dir.resolve("a"));
    PostgresBinaries second = PostgresBinaries.unpack(dir.resolve("b"));
    assertThat(Files.getAttribute(second.program("postgres"), "unix:ino"))
        .as("the same file, not a copy").isEqualTo(Files.getAttribute(first.program("postgres"), "unix:ino"));
    assertThat(version(second)).startsWith("postgres (PostgreSQL)");

    // Both folders gone (a test's temporary folder, an operator's clean-up): the next one cannot link, so it unpacks.
    PrivateFiles.deleteTree(dir.resolve("a"));
    PrivateFiles.deleteTree(dir.resolve("b"));
    PostgresBinaries third = PostgresBinaries.unpack(dir.resolve("c"));
    assertThat(version(third)).startsWith("postgres (PostgreSQL)");
    assertThat(Files.list(dir.resolve("c")).map(p -> p.getFileName().toString()).toList())
        .as("no partial folder left").allMatch(name -> !name.endsWith(".partial"));
  }

  private static String version(PostgresBinaries binaries) throws Exception {
    Process p = new ProcessBuilder(binaries.command("postgres", "--version")).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(output).isZero();
    return output;
  }
}
