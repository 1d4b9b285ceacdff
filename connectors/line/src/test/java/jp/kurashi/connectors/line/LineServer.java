package jp.kurashi.connectors.line;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.core.wiring.Core;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.core.triage.TriageModelInForce;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.office.OfficeProfileJson;
import jp.kurashi.core.outbox.OutboxSettings;
import jp.kurashi.core.outbox.OutboxWorker;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.outbox.RetryPolicy;
import jp.kurashi.core.pipeline.AfterIngest;
import jp.kurashi.core.pipeline.AutomaticNotice;
import jp.kurashi.core.pipeline.ConsentRequest;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.core.pipeline.TriageStep;
import jp.kurashi.core.triage.TriageRules;
import java.util.Set;
import jp.kurashi.core.store.ContactStore;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.core.store.MessageStore;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.core.store.OutboxStore;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestPostgres;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.time.Clock;
import jp.kurashi.testkit.TestClocks;

/** The LINE connector on a real HTTP server and database, talking to {@link FakeLineApi}. */
final class LineServer implements AutoCloseable {

  /** The suite's clock (see TestClocks): the hour the suite runs at must not matter. */
  final Clock clock;

  static final String SECRET = "test-channel-secret";

  final Vertx vertx;
  final FakeLineApi line;
  final Database db;
  final long officeId;
  final MessageStore messages;
  final ReplyQueue replies;
  final LineConnector connector;
  final GatewayMetrics metrics = new GatewayMetrics();
  /** An unsend that found nothing is tried again this soon here (10 s in the gateway). */
  static final Duration UNSEND_AGAIN = Duration.ofSeconds(1);
  final OfficeProfile profile = OfficeProfileJson.defaults();
  final CaseEvents events;
  final Core core;
  final LineStore lineStore;
  private final HttpServer server;
  private final String workerId;
  private String mediaRetryId;

  LineServer(Vertx vertx) {
    this(vertx, TestClocks.ambient(), false);
  }

  /**
   * With {@code gatewaySteps}, the after-commit steps the gateway runs on LINE messages (triage with the automatic
   * notice, the consent request) and the connector's consent button, as Gateway wires them.
   */
  LineServer(Vertx vertx, Clock clock, boolean gatewaySteps) {
    this.clock = clock;
    this.vertx = vertx;
    this.line = new FakeLineApi(vertx);
    this.db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(migratedDatabaseUrl(), 8)));
    this.officeId = Await.result(new OfficeStore(db.pool()).ensure("default", "テスト窓口"));
    this.events = CaseEvents.inProcess(vertx);
    this.core = Core.create(vertx, db, events, RateLimits.inProcess(clock), TriageModelInForce.shipped(
        TriageRules.bundled()), clock);
    this.messages = core.messages();
    this.replies = core.replies();
    ContactStore contacts = core.contacts();
    this.lineStore = new LineStore(db.pool(), clock, officeId);
    LineSettings settings = new LineSettings(SECRET, "test-access-token", URI.create(line.baseUrl()),
        URI.create(line.baseUrl()), 1024 * 1024, 90, Duration.ofMinutes(10), Duration.ofSeconds(5), IN_FLIGHT,
        READ_TIMEOUT, MEDIA_RETRY, MEDIA_ATTEMPTS, MEDIA_FETCHES);
    this.connector = gatewaySteps ? new LineConnector(vertx, settings, contacts, lineStore, profile.privacyNoticeVersion())
        : new LineConnector(vertx, settings, contacts, lineStore);
    List<AfterIngest> steps = !gatewaySteps ? List.of() : List.of(
        new TriageStep(vertx, officeId, core.triage().engine(), core.triageStore(), events,
            new AutomaticNotice(profile, replies, Duration.ofHours(12), Duration.ofMinutes(30), contacts,
                Set.of(LineConnector.CHANNEL)), clock),
        new ConsentRequest(profile, replies, Set.of(LineConnector.CHANNEL)));
    InboundPipeline pipeline = new InboundPipeline(officeId, messages, events, steps);
    Router router = Router.router(vertx);
    LineMediaFetcher media = new LineMediaFetcher(connector, settings, metrics, events, clock);
    new LineWebhook(officeId, settings, pipeline, contacts, connector, media, profile, metrics, clock)
        .unsendAgainAfter(UNSEND_AGAIN)
        .mount(router);
    this.mediaRetryId = Await.result(vertx.deployVerticle(new LineMediaRetry(lineStore, media, MEDIA_RETRY)));
    this.server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    OutboxWorker worker = new OutboxWorker(new OutboxStore(db.pool()), new ChannelRegistry().register(connector), events,
        new OutboxSettings(8, Duration.ofMillis(100), Duration.ofSeconds(20), Duration.ofSeconds(5),
            new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(500))), clock);
    this.workerId = Await.result(vertx.deployVerticle(worker));
  }

  HttpResponse<Buffer> post(JsonObject callback) {
    byte[] body = callback.encode().getBytes(StandardCharsets.UTF_8);
    return post(body, LineSigner.sign(SECRET, body));
  }

  /** The port the webhook listens on. */
  int port() {
    return server.actualPort();
  }

  HttpResponse<Buffer> post(byte[] body, String signature) {
    var request = WebClient.create(vertx).post(server.actualPort(), "127.0.0.1", "/webhook/line")
        .putHeader("Content-Type", "application/json");
    if (signature != null) {
      request.putHeader("X-Line-Signature", signature);
    }
    return Await.result(request.sendBuffer(Buffer.buffer(body)));
  }

  /** Webhook deliveries read at once in these tests. */
  static final int IN_FLIGHT = 16;
  /** Media fetched at once right after their webhooks. */
  static final int MEDIA_FETCHES = 2;
  /** A delivery whose body is not in by then is cut off. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
  /** Media are looked for this often, and a failed fetch first waits about this long. */
  static final Duration MEDIA_RETRY = Duration.ofMillis(200);
  /** Fetches of one media file before it is given up. */
  static final int MEDIA_ATTEMPTS = 3;

  Row one(String sql, Object... params) {
    return Await.result(db.pool().preparedQuery(sql).execute(Tuple.from(params))).iterator().next();
  }

  /** Runs a statement that returns no rows (a trigger that makes a statement fail, in a test). */
  void execute(String sql) {
    Await.result(db.pool().query(sql).execute());
  }

  long count(String sql, Object... params) {
    return one(sql, params).getLong(0);
  }

  long staff() {
    return one("""
        INSERT INTO staff (office_id, login, display_name, role, password_hash)
        VALUES ($1, 'tanaka', '田中', 'consultant', 'x') RETURNING id""", officeId).getLong(0);
  }

  /** Stops the media retry rounds, for a test that takes media itself as a gateway that then dies would. */
  void stopMediaRetry() {
    Await.result(vertx.undeploy(mediaRetryId));
    mediaRetryId = null;
  }

  @Override
  public void close() {
    Await.result(vertx.undeploy(workerId));
    if (mediaRetryId != null) {
      Await.result(vertx.undeploy(mediaRetryId));
    }
    Await.result(server.close());
    line.close();
    Await.result(db.close());
  }

  /** A new database at this version's schema, copied from one migrated once per JVM. */
  static String migratedDatabaseUrl() {
    return TestPostgres.shared().newDatabaseUrlFrom("migrated", url -> Database.migrate(DatabaseSettings.fromUrl(url, 1)));
  }
}
