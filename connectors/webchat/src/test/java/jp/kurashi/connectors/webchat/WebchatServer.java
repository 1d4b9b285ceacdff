package jp.kurashi.connectors.webchat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.WebClient;
import jp.kurashi.core.wiring.Core;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.triage.TriageModelInForce;
import jp.kurashi.core.triage.TriageRules;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.limits.Quota;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.security.ClientAddress;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.office.OfficeProfileJson;
import jp.kurashi.core.outbox.OutboxSettings;
import jp.kurashi.core.outbox.OutboxWorker;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.outbox.RetryPolicy;
import jp.kurashi.core.pipeline.AfterIngest;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.core.store.CaseStore;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.core.store.OutboxStore;
import jp.kurashi.connectors.webchat.WebchatStore;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestPostgres;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.time.Clock;
import jp.kurashi.testkit.TestClocks;

/** The web chat on a real HTTP server and database, with an outbox worker delivering replies. */
final class WebchatServer implements AutoCloseable {

  /** The suite's clock (see TestClocks): the hour the suite runs at must not matter; idle tests move it on. */
  final MovableClock clock = new MovableClock(TestClocks.ambient());

  final Vertx vertx;
  final Database db;
  final long officeId;
  final CaseEvents events;
  final Core core;
  final ReplyQueue replies;
  final CaseStore cases;
  /** Short, so a test can watch a stalled upload cut off; a real upload here takes milliseconds. */
  static final Duration UPLOAD_TIMEOUT = Duration.ofSeconds(2);
  final GatewayMetrics metrics = new GatewayMetrics();
  final OfficeProfile profile = OfficeProfileJson.defaults();
  /** This server's chat sockets, to tell them events were missed as the bus would. */
  final ChatSockets sockets;
  private final HttpServer server;
  private final String workerId;

  WebchatServer(Vertx vertx, Function<WebchatServer, List<AfterIngest>> steps) {
    this(vertx, steps, null);
  }

  /** With these quotas; {@code null}: in-process ones too large for any test to reach. */
  WebchatServer(Vertx vertx, Function<WebchatServer, List<AfterIngest>> steps,
                Function<Clock, WebchatQuotas> quotas) {
    this.vertx = vertx;
    this.db = Await.result(Database.open(vertx, DatabaseSettings.fromUrl(migratedDatabaseUrl(), 8)));
    this.officeId = Await.result(new OfficeStore(db.pool()).ensure("default", "テスト窓口"));
    this.events = CaseEvents.inProcess(vertx);
    this.core = Core.create(vertx, db, events, RateLimits.inProcess(clock), TriageModelInForce.shipped(
        TriageRules.bundled()), clock);
    this.cases = core.cases();
    this.replies = core.replies();
    WebchatStore store = new WebchatStore(db.pool());
    this.sockets = new ChatSockets(events);
    InboundPipeline pipeline = new InboundPipeline(officeId, core.messages(), events, steps.apply(this));
    WebchatRoutes routes = new WebchatRoutes(officeId, store, core.contacts(), pipeline, events,
        sockets, profile, WebchatSettings.defaults().withUploadTimeout(UPLOAD_TIMEOUT),
        quotas == null ? generous(clock) : quotas.apply(clock), metrics, clock);
    Router router = Router.router(vertx);
    routes.mount(router);
    this.server = Await.result(vertx.createHttpServer(new HttpServerOptions().setMaxWebSocketFrameSize(64 * 1024))
        .requestHandler(router).listen(0, "127.0.0.1"));
    OutboxWorker worker = new OutboxWorker(new OutboxStore(db.pool()),
        new ChannelRegistry().register(new WebchatConnector(store, clock, WebchatSettings.defaults().sessionIdle())),
        events,
        new OutboxSettings(8, Duration.ofMillis(100), Duration.ofSeconds(20), Duration.ofSeconds(5),
            new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(200))), clock);
    this.workerId = Await.result(vertx.deployVerticle(worker));
  }

  static WebchatQuotas generous(Clock clock) {
    RateLimits limits = RateLimits.inProcess(clock);
    return new WebchatQuotas(ClientAddress.direct(), limits.limiter("sessions", Quota.perHour(100_000)),
        limits.limiter("messages", Quota.perMinute(100_000)), limits.limiter("uploads", Quota.perHour(100_000)));
  }

  int port() {
    return server.actualPort();
  }

  WebClient http() {
    return WebClient.create(vertx);
  }

  String newSession() {
    return Await.result(http().post(port(), "127.0.0.1", "/webchat/sessions").send())
        .bodyAsJsonObject().getString("token");
  }

  ChatClient connect(String token, Long after) {
    String uri = "/webchat/socket?token=" + token + (after == null ? "" : "&after=" + after);
    try {
      return ChatClient.connect(vertx.createWebSocketClient().connect(port(), "127.0.0.1", uri));
    } catch (RuntimeException handshakeLost) {
      // Vert.x 5.0's request-to-WebSocket upgrade after an async token check rarely drops the handshake
      // (see the closing note); the widget reconnects by itself, and so does this client, once.
      if (!String.valueOf(handshakeLost.getMessage()).contains("handshake")) {
        throw handshakeLost;
      }
      return ChatClient.connect(vertx.createWebSocketClient().connect(port(), "127.0.0.1", uri));
    }
  }

  /** A socket opened without a token in its URL: the token is to come in the first frame. */
  ChatClient connectWithoutToken(Long after) {
    String uri = "/webchat/socket" + (after == null ? "" : "?after=" + after);
    try {
      return ChatClient.connect(vertx.createWebSocketClient().connect(port(), "127.0.0.1", uri));
    } catch (RuntimeException handshakeLost) {
      // As in connect(): a dropped handshake is retried once, as the widget would.
      if (!String.valueOf(handshakeLost.getMessage()).contains("handshake")) {
        throw handshakeLost;
      }
      return ChatClient.connect(vertx.createWebSocketClient().connect(port(), "127.0.0.1", uri));
    }
  }

  /** A session that already accepted the privacy notice. */
  ChatClient consentedChat(String token) {
    ChatClient chat = connect(token, null);
    chat.send(new JsonObject().put("type", "consent").put("accepted", true).put("version", profile.privacyNoticeVersion()));
    chat.next("consent");
    return chat;
  }

  @Override
  public void close() {
    Await.result(vertx.undeploy(workerId));
    Await.result(server.close());
    Await.result(db.close());
  }

  /** A new database at this version's schema, copied from one migrated once per JVM. */
  static String migratedDatabaseUrl() {
    return TestPostgres.shared().newDatabaseUrlFrom("migrated", url -> Database.migrate(DatabaseSettings.fromUrl(url, 1)));
  }
}
