package jp.kurashi.connectors.mail;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.internet.MimeMessage;
import jp.kurashi.core.wiring.Core;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.core.triage.TriageModelInForce;
import jp.kurashi.core.triage.TriageRules;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.office.OfficeProfileJson;
import jp.kurashi.core.outbox.OutboxSettings;
import jp.kurashi.core.outbox.OutboxWorker;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.outbox.RetryPolicy;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.connectors.mail.MailStore;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.core.store.OutboxStore;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.MailDesk;
import jp.kurashi.testkit.TestPostgres;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.time.Clock;
import jp.kurashi.testkit.TestClocks;

/** GreenMail (IMAP and SMTP) in front of the mail connector, a real database and an outbox worker. */
final class MailServer implements AutoCloseable {

  /** The suite's clock (see TestClocks): the hour the suite runs at must not matter. */
  final Clock clock = TestClocks.ambient();

  static final String DESK = "desk@kurashi.example";
  static final Duration POLL_INTERVAL = Duration.ofMillis(300);
  /** Three attempts a few hundred milliseconds apart, so a quarantine happens within a test. */
  static final RetryPolicy RETRY = new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(1));

  final Vertx vertx;
  final MailDesk mail;
  final MailDesk.Mailbox deskUser;
  final Database db;
  final long officeId;
  final ReplyQueue replies;
  final MailStore mailStore;
  final MailSettings settings;
  final InboundPipeline pipeline;
  final jp.kurashi.core.store.ContactStore contacts;
  final GatewayMetrics metrics = new GatewayMetrics();
  final OfficeProfile profile = OfficeProfileJson.defaults();
  private final String workerId;
  private String pollerId;

  MailServer(Vertx vertx) {
    this(vertx, POLL_INTERVAL);
  }

  MailServer(Vertx vertx, Duration pollInterval) {
    this(vertx, pollInterval, null);
  }

  /** With {@code authservId}, mails count as from their sender only with that server's DMARC pass. */
  MailServer(Vertx vertx, Duration pollInterval, String authservId) {
    this(vertx, pollInterval, authservId, MailSettings.DEFAULT_MAX_MAIL_BYTES);
  }

  /** With {@code MAIL_MAX_BYTES} of {@code maxMailBytes}. */
  MailServer(Vertx vertx, Duration pollInterval, String authservId, long maxMailBytes) {
    this.vertx = vertx;
    mail = MailDesk.start();
    deskUser = mail.mailbox("desk", "desk-password");
    settings = new MailSettings("127.0.0.1", mail.imapPort(), "127.0.0.1", mail.smtpPort(), "desk", "desk-password",
        DESK, false, pollInterval, "INBOX", null, "UTF-8", 1024 * 1024, Duration.ofSeconds(10), authservId, null,
        maxMailBytes);
    db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(migratedDatabaseUrl(), 8)));
    officeId = Await.result(new OfficeStore(db.pool()).ensure("default", "テスト窓口"));
    CaseEvents events = CaseEvents.inProcess(vertx);
    Core core = Core.create(vertx, db, events, RateLimits.inProcess(clock), TriageModelInForce.shipped(
        TriageRules.bundled()), clock);
    replies = core.replies();
    mailStore = new MailStore(db.pool());
    contacts = core.contacts();
    pipeline = new InboundPipeline(officeId, core.messages(), events,
        List.of(new MailConsentReply(officeId, profile, contacts),
            new MailAcknowledgement(profile, replies, Duration.ofHours(12), contacts)));
    OutboxWorker worker = new OutboxWorker(new OutboxStore(db.pool()),
        new ChannelRegistry().register(new MailConnector(vertx, settings, mailStore, "くらしのサポートコーナー")), events,
        new OutboxSettings(8, Duration.ofMillis(100), Duration.ofSeconds(40), Duration.ofSeconds(10),
            new RetryPolicy(3, Duration.ofMillis(100), Duration.ofMillis(500))), clock);
    workerId = Await.result(vertx.deployVerticle(worker));
    startPoller();
  }

  void startPoller() {
    pollerId = Await.result(vertx.deployVerticle(new MailPoller(settings, mailStore, pipeline, metrics, RETRY, clock)));
  }

  /**
   * Starts the poller with {@code MAIL_SERVER_KEEP_DAYS} of {@code serverKeep} and {@code MAIL_PROCESSED_FOLDER} of
   * {@code processedFolder} (may be null), on a clock of its own.
   */
  void startPoller(Duration serverKeep, String processedFolder, Clock pollerClock) {
    MailSettings keeping = new MailSettings(settings.imapHost(), settings.imapPort(), settings.smtpHost(),
        settings.smtpPort(), settings.user(), settings.password(), settings.address(), settings.tls(),
        settings.pollInterval(), settings.folder(), processedFolder, settings.outboundCharset(),
        settings.maxAttachmentBytes(), settings.timeout(), settings.authservId(), serverKeep);
    pollerId = Await.result(vertx.deployVerticle(new MailPoller(keeping, mailStore, pipeline, metrics, RETRY,
        pollerClock)));
  }

  void stopPoller() {
    if (pollerId != null) {
      Await.result(vertx.undeploy(pollerId));
      pollerId = null;
    }
  }

  /** Puts a raw mail into the desk's INBOX, as the mail server would on delivery. */
  void deliver(byte[] raw) {
    try {
      deskUser.deliver(raw);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Mails the desk sent through SMTP to this address. */
  List<MimeMessage> sentTo(String address) {
    List<MimeMessage> out = new ArrayList<>();
    for (MimeMessage m : mail.sent()) {
      try {
        // The header as written: GreenMail's session parses strictly, and old carrier addresses are not strict.
        String to = m.getHeader("To", ",");
        if (to != null && to.contains(address)) {
          out.add(m);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return out;
  }

  RowSet<Row> query(String sql, Object... params) {
    return Await.result(db.pool().preparedQuery(sql).execute(Tuple.from(params)));
  }

  long count(String sql, Object... params) {
    return query(sql, params).iterator().next().getLong(0);
  }

  long staff() {
    return query("""
        INSERT INTO staff (office_id, login, display_name, role, password_hash)
        VALUES ($1, 'tanaka', '田中', 'consultant', 'x') RETURNING id""", officeId).iterator().next().getLong(0);
  }

  @Override
  public void close() {
    Await.result(vertx.undeploy(workerId));
    stopPoller();
    mail.close();
    Await.result(db.close());
  }

  /** A new database at this version's schema, copied from one migrated once per JVM. */
  static String migratedDatabaseUrl() {
    return TestPostgres.shared().newDatabaseUrlFrom("migrated", url -> Database.migrate(DatabaseSettings.fromUrl(url, 1)));
  }
}
