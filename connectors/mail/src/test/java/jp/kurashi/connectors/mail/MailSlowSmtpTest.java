package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.channel.SendFailure;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.domain.InboundMessage;
import jp.kurashi.core.domain.OutboundMessage;
import jp.kurashi.core.outbox.OutboxSettings;
import jp.kurashi.core.outbox.OutboxWorker;
import jp.kurashi.core.outbox.RetryPolicy;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.core.store.OutboxStore;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestClocks;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("A mail reply to a slow SMTP server")
class MailSlowSmtpTest {

  private final Clock clock = TestClocks.ambient();

  @Test
  @DisplayName("is sent once when the server answers its data after the outbox's send timeout")
  void slowDataAnswerSendsOnce(Vertx vertx) throws Exception {
    Duration outboxTimeout = Duration.ofMillis(500);
    Duration answerAfter = Duration.ofMillis(1_500);
    Duration smtpStepTimeout = Duration.ofSeconds(3);
    try (SlowSmtp smtp = new SlowSmtp(answerAfter)) {
      Database db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(MailServer.migratedDatabaseUrl(), 8)));
      try {
        long office = Await.result(new OfficeStore(db.pool()).ensure("default", "テスト窓口"));
        MessageStore messages = new MessageStore(db.pool(), clock);
        long caseId = Await.result(messages.ingest(office, new InboundMessage("mail", "<in-1@example.jp>",
            "resident@example.jp", null, "相談したいです", clock.instant()))).caseId();
        MailSettings settings = new MailSettings("127.0.0.1", 1, "127.0.0.1", smtp.port(), "", "",
            "desk@kurashi.example", false, Duration.ofSeconds(60), "INBOX", null, "UTF-8", 1024 * 1024,
            smtpStepTimeout, null, null);
        // A retry a few milliseconds after a timed-out attempt, so a second send would happen well within the test.
        OutboxSettings outbox = new OutboxSettings(8, Duration.ofMillis(50), Duration.ofSeconds(30), outboxTimeout,
            new RetryPolicy(8, Duration.ofMillis(20), Duration.ofMillis(100)));
        CaseEvents events = CaseEvents.inProcess(vertx);
        String worker = Await.result(vertx.deployVerticle(new OutboxWorker(new OutboxStore(db.pool()),
            new ChannelRegistry().register(new MailConnector(vertx, settings, new MailStore(db.pool()), "窓口")),
            events, outbox, clock)));
        long staff = Await.result(db.pool().query("""
            INSERT INTO staff (office_id, login, display_name, role, password_hash)
            SELECT id, 'tanaka', '田中', 'consultant', 'x' FROM office WHERE code = 'default' RETURNING id""")
            .execute()).iterator().next().getLong(0);

        long messageId = Await.result(messages.queueReply(caseId, staff, "お返事です")).messageId();

        Await.until(Duration.ofSeconds(30), "sent", () -> "sent".equals(delivery(db, messageId)));
        // Long enough for a retry that a timed-out first attempt would have scheduled to reach DATA.
        Await.result(vertx.timer(answerAfter.toMillis() + 500));
        assertThat(smtp.dataTransactions.get()).isEqualTo(1);
        Row row = Await.result(db.pool().preparedQuery("SELECT status, attempts FROM outbox WHERE message_id = $1")
            .execute(Tuple.of(messageId))).iterator().next();
        assertThat(row.getString("status")).isEqualTo("sent");
        assertThat(row.getInteger("attempts")).isEqualTo(1);
        Await.result(vertx.undeploy(worker));
      } finally {
        Await.result(db.close());
      }
    }
  }

  @Test
  @DisplayName("a server trickling its answers, each line within the step timeout, is cut off at the send's deadline")
  void trickleCutOffAtDeadline(Vertx vertx) throws Exception {
    Duration smtpStepTimeout = Duration.ofMillis(400);
    // Thirty EHLO lines 300 ms apart: every read gets its bytes within the step timeout, the answer takes 9 s.
    try (SlowSmtp smtp = new SlowSmtp(Duration.ZERO, 30, Duration.ofMillis(300))) {
      Database db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(MailServer.migratedDatabaseUrl(), 2)));
      try {
        long office = Await.result(new OfficeStore(db.pool()).ensure("default", "テスト窓口"));
        long caseId = Await.result(new MessageStore(db.pool(), clock).ingest(office, new InboundMessage("mail",
            "<in-2@example.jp>", "resident@example.jp", null, "相談したいです", clock.instant()))).caseId();
        MailSettings settings = new MailSettings("127.0.0.1", 1, "127.0.0.1", smtp.port(), "", "",
            "desk@kurashi.example", false, Duration.ofSeconds(60), "INBOX", null, "UTF-8", 1024 * 1024,
            smtpStepTimeout, null, null);
        MailConnector connector = new MailConnector(vertx, settings, new MailStore(db.pool()), "窓口");
        Duration deadline = smtpStepTimeout.multipliedBy(MailConnector.SEND_DEADLINE_WAITS);

        long started = System.nanoTime();
        Throwable failed = Await.result(connector.send(new OutboundMessage(1, caseId, "mail", "resident@example.jp",
            "お返事です", UUID.randomUUID(), 1, false)).<Throwable>map(sent -> null).otherwise(err -> err));
        Duration took = Duration.ofNanos(System.nanoTime() - started);

        assertThat(failed).isInstanceOf(SendFailure.class);
        assertThat(((SendFailure) failed).isPermanent()).as("tried again later").isFalse();
        assertThat(failed.getMessage()).contains("did not finish the send within 2 s");
        assertThat(took).isGreaterThanOrEqualTo(deadline).isLessThan(Duration.ofSeconds(6));
        assertThat(connector.longestSend()).contains(deadline.plus(smtpStepTimeout));
        assertThat(smtp.dataTransactions.get()).isZero();
      } finally {
        Await.result(db.close());
      }
    }
  }

  @Test
  @DisplayName("a server that never answers the final dot in time: failed as possibly delivered, not sent again on its own")
  void noAnswerToTheDot(Vertx vertx) throws Exception {
    Duration smtpStepTimeout = Duration.ofMillis(400);
    try (SlowSmtp smtp = new SlowSmtp(Duration.ofSeconds(3))) {
      Database db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(MailServer.migratedDatabaseUrl(), 2)));
      try {
        long office = Await.result(new OfficeStore(db.pool()).ensure("default", "テスト窓口"));
        long caseId = Await.result(new MessageStore(db.pool(), clock).ingest(office, new InboundMessage("mail",
            "<in-3@example.jp>", "resident@example.jp", null, "相談したいです", clock.instant()))).caseId();
        MailSettings settings = new MailSettings("127.0.0.1", 1, "127.0.0.1", smtp.port(), "", "",
            "desk@kurashi.example", false, Duration.ofSeconds(60), "INBOX", null, "UTF-8", 1024 * 1024,
            smtpStepTimeout, null, null);
        MailConnector connector = new MailConnector(vertx, settings, new MailStore(db.pool()), "窓口");

        Throwable failed = Await.result(connector.send(new OutboundMessage(1, caseId, "mail", "resident@example.jp",
            "お返事です", UUID.randomUUID(), 1, false)).<Throwable>map(sent -> null).otherwise(err -> err));

        assertThat(failed).isInstanceOf(SendFailure.class);
        SendFailure failure = (SendFailure) failed;
        assertThat(failure.isPermanent()).as("not retried on its own").isTrue();
        assertThat(failure.mayHaveArrived()).isTrue();
        assertThat(failure.getMessage()).startsWith(MailConnector.MAY_HAVE_ARRIVED);
        assertThat(smtp.dataTransactions.get()).isOne();

        // An automatic message (the safety message at night, nobody at the desk) is tried again: twice beats never.
        Throwable automatic = Await.result(connector.send(new OutboundMessage(2, caseId, "mail", "resident@example.jp",
            "安全のご案内", UUID.randomUUID(), 1, true)).<Throwable>map(sent -> null).otherwise(err -> err));
        assertThat(automatic).isInstanceOf(SendFailure.class);
        assertThat(((SendFailure) automatic).isPermanent()).isFalse();
        assertThat(smtp.dataTransactions.get()).isEqualTo(2);
      } finally {
        Await.result(db.close());
      }
    }
  }

  private static String delivery(Database db, long messageId) {
    return Await.result(db.pool().preparedQuery("SELECT delivery FROM message WHERE id = $1")
        .execute(Tuple.of(messageId))).iterator().next().getString(0);
  }

  /** Just enough SMTP for one unauthenticated plain-text send, answering the final dot only after a delay. */
  private static final class SlowSmtp implements AutoCloseable {

    final AtomicInteger dataTransactions = new AtomicInteger();
    private final ServerSocket server;
    private final Duration answerAfter;
    private final int ehloLines;
    private final Duration betweenEhloLines;

    SlowSmtp(Duration answerAfter) throws IOException {
      this(answerAfter, 1, Duration.ZERO);
    }

    /** Answers EHLO with {@code ehloLines} lines, {@code betweenEhloLines} apart. */
    SlowSmtp(Duration answerAfter, int ehloLines, Duration betweenEhloLines) throws IOException {
      this.answerAfter = answerAfter;
      this.ehloLines = ehloLines;
      this.betweenEhloLines = betweenEhloLines;
      server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
      Thread acceptor = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            Thread session = new Thread(() -> serve(s), "slow-smtp-session");
            session.setDaemon(true);
            session.start();
          } catch (IOException closed) {
            return;
          }
        }
      }, "slow-smtp");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void serve(Socket s) {
      try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
           OutputStream out = s.getOutputStream()) {
        say(out, "220 slow.example ESMTP");
        String line;
        while ((line = in.readLine()) != null) {
          String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase() : line.toUpperCase();
          switch (verb) {
            case "DATA" -> {
              dataTransactions.incrementAndGet();
              say(out, "354 go ahead");
              while ((line = in.readLine()) != null && !line.equals(".")) {
                // the message itself is not needed
              }
              Thread.sleep(answerAfter.toMillis());
              say(out, "250 queued");
            }
            case "EHLO" -> {
              for (int i = 1; i < ehloLines; i++) {
                say(out, "250-slow.example line " + i);
                Thread.sleep(betweenEhloLines.toMillis());
              }
              say(out, "250 ok");
            }
            case "QUIT" -> {
              say(out, "221 bye");
              return;
            }
            default -> say(out, "250 ok");
          }
        }
      } catch (IOException | InterruptedException e) {
        // the client went away
      }
    }

    private static void say(OutputStream out, String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
