package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.retention.RetentionJob;
import jp.kurashi.core.retention.RetentionSettings;
import jp.kurashi.core.store.RetentionStore;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Raw mails are dropped MAIL_RAW_KEEP_DAYS after they were handled, and deduplication still holds (item 12). */
@ExtendWith(VertxExtension.class)
@DisplayName("A handled mail's raw bytes")
class MailRawRetentionTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private MailServer server;

  @BeforeEach
  void start(Vertx vertx) {
    server = new MailServer(vertx);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private long count(String sql) {
    return server.query(sql).iterator().next().getLong(0);
  }

  private RetentionJob jobAt(Instant moment) {
    return new RetentionJob(new RetentionStore(server.db.pool(),
        Map.of("mail", new MailChannel().retention(ConfigSource.of(Map.of())).orElseThrow())),
        RetentionSettings.defaults(), TestClocks.startingAt(moment));
  }

  @Test
  @DisplayName("are dropped after 30 days; the same mail arriving again is still not taken in twice")
  void droppedAndStillDeduplicated() {
    server.deliver(Fixtures.raw("carrier-iso2022jp.eml"));
    Await.until(WAIT, "ingested", () -> count("SELECT count(*) FROM message WHERE direction = 'in'") == 1);
    Await.until(WAIT, "handled", () -> count("SELECT count(*) FROM mail_inbox WHERE status = 'done'") == 1);
    Instant fetched = server.query("SELECT fetched_at FROM mail_inbox").iterator().next()
        .getOffsetDateTime(0).toInstant();

    assertThat(Await.result(jobAt(fetched.plus(Duration.ofDays(29))).runOnce()).pruned("mail")).isZero();
    assertThat(count("SELECT count(*) FROM mail_inbox WHERE raw IS NOT NULL")).isOne();
    assertThat(Await.result(jobAt(fetched.plus(Duration.ofDays(31))).runOnce()).pruned("mail")).isOne();
    assertThat(count("SELECT count(*) FROM mail_inbox WHERE raw IS NOT NULL")).isZero();
    assertThat(count("SELECT count(*) FROM mail_inbox WHERE message_id IS NOT NULL")).as("the row keeps its link").isOne();

    server.deliver(Fixtures.raw("carrier-iso2022jp.eml"));
    Await.until(WAIT, "the second copy handled", () -> count("SELECT count(*) FROM mail_inbox WHERE status = 'done'") == 2);
    assertThat(count("SELECT count(*) FROM message WHERE direction = 'in'")).isOne();
  }
}
