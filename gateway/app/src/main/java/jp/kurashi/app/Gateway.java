package jp.kurashi.app;

import io.vertx.core.Deployable;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import jp.kurashi.app.embedded.EmbeddedServerWatch;
import jp.kurashi.app.embedded.LocalPostgres;
import jp.kurashi.app.embedded.PrivateFiles;
import jp.kurashi.console.ApiContract;
import jp.kurashi.console.ConsoleServices;
import jp.kurashi.console.ConsoleSettings;
import jp.kurashi.console.LoginService;
import jp.kurashi.console.StaffApi;
import jp.kurashi.core.Core;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.cases.CaseCommands;
import jp.kurashi.core.channel.Channel;
import jp.kurashi.core.channel.ChannelContext;
import jp.kurashi.core.channel.ChannelParts;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.channel.ChannelRoutes;
import jp.kurashi.core.channel.ChannelSetup;
import jp.kurashi.core.channel.Channels;
import jp.kurashi.core.config.ConfigException;
import jp.kurashi.core.lease.LeasedVerticle;
import jp.kurashi.core.lease.PeriodicJob;
import jp.kurashi.core.limits.Quota;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.OutboxWorker;
import jp.kurashi.core.pipeline.AfterCommitQueue;
import jp.kurashi.core.pipeline.AfterCommitSweep;
import jp.kurashi.core.pipeline.AfterIngest;
import jp.kurashi.core.pipeline.AutomaticNotice;
import jp.kurashi.core.pipeline.ConsentRequest;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.core.pipeline.StaffIntake;
import jp.kurashi.core.pipeline.TriageStep;
import jp.kurashi.core.retention.RetentionJob;
import jp.kurashi.core.security.ClientAddress;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.store.AccommodationStore;
import jp.kurashi.core.store.AgencyStore;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.CaseCommandStore;
import jp.kurashi.core.store.ComplaintStore;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.core.store.Durability;
import jp.kurashi.core.store.HandoffStore;
import jp.kurashi.core.store.JobLeaseStore;
import jp.kurashi.core.store.MilestoneStore;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.core.store.OutboxStore;
import jp.kurashi.core.store.ReportStore;
import jp.kurashi.core.store.RetentionStore;
import jp.kurashi.core.store.StaffCaseStore;
import jp.kurashi.core.store.StaffStore;
import jp.kurashi.core.store.TemplateStore;
import jp.kurashi.core.store.TriageCorrectionStore;
import jp.kurashi.core.triage.TriageEngine;
import jp.kurashi.core.triage.TriageModel;
import jp.kurashi.core.triage.TriageModelInForce;
import jp.kurashi.core.triage.TriageModelRefresh;
import jp.kurashi.core.triage.TriageRules;
import jp.kurashi.core.triage.TriageRulesRefresh;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The one place that wires the gateway: database, {@link Core}, the office (pipeline, channels, console), jobs, HTTP.
 * {@link #start} runs named steps in order, each handing the next what it needs, and undoes what it built if a
 * step fails; the gateway is built from what start-up produced once it succeeded.
 * {@link #stop} takes it down in reverse: stop accepting, finish in-flight work, close pools.
 */
public final class Gateway {

  private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

  /** At most one safety message per case in this time, however many crisis messages arrive. */
  private static final Duration SAFETY_GAP = Duration.ofMinutes(30);
  private static final Duration RULES_REFRESH = Duration.ofSeconds(30);
  /** A periodic job's lease; renewed every JOB_LEASE_RENEWAL, so a dead instance's jobs move within 25 s. */
  private static final Duration JOB_LEASE = Duration.ofSeconds(20);
  private static final Duration JOB_LEASE_RENEWAL = Duration.ofSeconds(5);
  /** After-commit work kept waiting in a flood; beyond it the sweep picks the messages up from the database. */
  private static final int AFTER_COMMIT_QUEUE = 10_000;
  /** How often stored messages whose triage never ran are looked for; younger ones are left to the work under way. */
  private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(30);
  private static final Duration SWEEP_GRACE = Duration.ofMinutes(1);
  /** Older unfinished messages are left alone: a notice days late would only confuse. */
  private static final Duration SWEEP_WINDOW = Duration.ofHours(24);
  /** How soon the other instances run a model the chief installed on one of them. */
  private static final Duration MODEL_REFRESH = Duration.ofSeconds(30);
  /** The embedded server is started again after dying, but not more often than this. */
  private static final int EMBEDDED_MAX_RESTARTS = 3;
  private static final Duration EMBEDDED_RESTART_WINDOW = Duration.ofMinutes(5);

  private final Started started;
  private final Deque<Supplier<Future<?>>> shutdownSteps;
  private final Future<Void> fatal;

  private Gateway(Started started, Deque<Supplier<Future<?>>> shutdownSteps, Future<Void> fatal) {
    this.started = started;
    this.shutdownSteps = shutdownSteps;
    this.fatal = fatal;
  }

  /**
   * What start-up produced that the running gateway answers for.
   *
   * @param metricsPort -1 when {@code METRICS_PORT} is not set
   */
  private record Started(int httpPort, int metricsPort, InboundPipeline pipeline) {
  }

  /** The database opened, durable, and who this instance is among those sharing it. */
  private record Storage(String instanceName, Database db, BooleanSupplier databaseProcessUp) {
  }

  /** The storage with the core built on it. */
  private record Base(Storage storage, Core core) {
  }

  /**
   * What one office runs on: its channels' context, its pipeline with the steps after ingest, and the started
   * channels' connectors, routes and periodic jobs.
   */
  record Office(long officeId, OfficeProfile profile, ChannelContext context, InboundPipeline pipeline,
                List<AfterIngest> steps, ChannelRegistry channels, List<ChannelRoutes> routes, List<PeriodicJob> jobs) {
  }

  /** Everything built, ready for its jobs and servers to be deployed. */
  private record Wired(Base base, Office office, StaffApi api) {
  }

  /**
   * Starts a gateway on {@code vertx}; on failure everything already started is stopped again.
   * Every decision that depends on the time (office hours, notices, sessions, lockouts, reports) reads
   * {@code clock}: the system clock in production, a chosen moment in tests.
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, PrintStream console, Clock clock) {
    return start(vertx, config, console, clock, new PasswordHasher());
  }

  /** As above with a given hasher: tests pass one that counts hash evaluations. */
  static Future<Gateway> start(Vertx vertx, GatewayConfig config, PrintStream console, Clock clock,
                               PasswordHasher hasher) {
    Startup startup = new Startup(vertx, config, clock, hasher);
    return startup.run(console)
        .map(started -> new Gateway(started, startup.shutdownSteps, startup.fatal.future()))
        .recover(err -> stop(startup.shutdownSteps).transform(ignored -> Future.failedFuture(err)));
  }

  /**
   * Start-up, one named step after the other, each handing the next what it needs; whatever a step started is
   * pushed on {@link #shutdownSteps} so it is undone in reverse.
   */
  private static final class Startup {

    private final Vertx vertx;
    private final GatewayConfig config;
    private final Clock clock;
    private final PasswordHasher hasher;
    private final GatewayMetrics metrics = new GatewayMetrics();
    private final Deque<Supplier<Future<?>>> shutdownSteps = new ArrayDeque<>();
    private final Promise<Void> fatal = Promise.promise();

    Startup(Vertx vertx, GatewayConfig config, Clock clock, PasswordHasher hasher) {
      this.vertx = vertx;
      this.config = config;
      this.clock = clock;
      this.hasher = hasher;
    }

    Future<Started> run(PrintStream console) {
      return openDatabase()
          .compose(this::buildCore)
          .compose(base -> openOffice(base.core(), console)
              .compose(office -> buildConsole(base.core(), office).map(api -> new Wired(base, office, api))))
          .compose(wired -> deployJobs(wired).map(wired))
          .compose(this::deployServers)
          .onSuccess(started -> LOG.atInfo().addKeyValue("port", started.httpPort())
              .addKeyValue("office", config.officeCode()).log("gateway started"));
    }

    /** This instance's name, then the database (the embedded one unless DATABASE_URL is given), checked durable. */
    private Future<Storage> openDatabase() {
      return vertx.executeBlocking(() -> InstanceName.of(config.dataDir()), false)
          .compose(name -> databaseSettings().compose(located -> Database.open(vertx, located.settings())
              .map(db -> {
                onStop(db::close);
                return new Storage(name, db, located.processUp());
              })))
          .compose(storage -> checkDurable(storage.db()).map(storage));
    }

    /** Where the database is, and whether its process (the embedded one's) is up. */
    private record Located(DatabaseSettings settings, BooleanSupplier processUp) {
    }

    private Future<Located> databaseSettings() {
      if (config.database().isPresent()) {
        return Future.succeededFuture(new Located(config.database().get(), () -> true));
      }
      return vertx.executeBlocking(() -> {
        PrivateFiles.privateDirectory(config.dataDir());
        return LocalPostgres.start(config.dataDir().resolve("pg"), config.embeddedDatabasePort());
      }).map(pg -> {
        EmbeddedServerWatch watch = new EmbeddedServerWatch(vertx, pg, EMBEDDED_MAX_RESTARTS, EMBEDDED_RESTART_WINDOW);
        watch.givenUp().onFailure(fatal::tryFail);
        onStop(watch::stop);
        return new Located(pg.settings(config.databasePoolSize()), watch::running);
      });
    }

    /**
     * Refuses a database that may lose what it acknowledged (the promise the channels make to residents),
     * unless {@code DATABASE_UNSAFE_FAST=true} says this is a throw-away server.
     */
    private Future<Void> checkDurable(Database db) {
      return Durability.of(db.pool()).compose(d -> {
        LOG.atInfo().addKeyValue("fsync", d.fsync()).addKeyValue("synchronousCommit", d.synchronousCommit())
            .addKeyValue("fullPageWrites", d.fullPageWrites()).log("database durability");
        if (d.durable()) {
          return Future.succeededFuture();
        }
        if (config.databaseUnsafeFast()) {
          LOG.atWarn().addKeyValue("unsafe", String.join(",", d.unsafe()))
              .log("DATABASE_UNSAFE_FAST: a crash of the database can lose acknowledged messages");
          return Future.succeededFuture();
        }
        return Future.failedFuture(new ConfigException("the database can lose acknowledged messages on a crash ("
            + String.join(", ", d.unsafe()) + "): turn these on, or set DATABASE_UNSAFE_FAST=true for a test server"));
      });
    }

    /** The triage model in force, the bus and the rate limits, and the core built on them. */
    private Future<Base> buildCore(Storage storage) {
      // Compiling the rules runs Kuromoji over every phrase and the model is read from the jar: worker thread.
      // Hashing the shipped model (what GET /api/triage/model names it by) serialises it: same thread.
      return vertx.executeBlocking(() -> TriageModelInForce.shipped(
              new TriageEngine(TriageRules.bundled(), TriageModel.bundled())), false)
          .compose(triage -> bus().map(bus -> Core.of(vertx, storage.db(), bus, rateLimits(), triage, metrics, clock)))
          .map(core -> new Base(storage, core));
    }

    private Future<CaseEvents> bus() {
      if (config.redisUrl().isEmpty()) {
        return Future.succeededFuture(CaseEvents.inProcess(vertx)).onSuccess(bus -> onStop(bus::close));
      }
      return CaseEvents.redis(vertx, new RedisOptions().setConnectionString(config.redisUrl().get()))
          .recover(err -> Future.failedFuture(new ConfigException("REDIS_URL: cannot connect to Redis")))
          .onSuccess(bus -> onStop(bus::close));
    }

    /** Rate limits shared by every instance through Redis when it is configured, else this process's own. */
    private RateLimits rateLimits() {
      RateLimits limits = config.redisUrl().isEmpty() ? RateLimits.inProcess(clock)
          : RateLimits.redis(vertx, new RedisOptions().setConnectionString(config.redisUrl().get()), clock);
      onStop(limits::close);
      return limits;
    }

    /** The configured office: its row, its first administrator, then its pipeline and channels. */
    private Future<Office> openOffice(Core core, PrintStream console) {
      return new OfficeStore(core.pool()).ensure(config.officeCode(), config.office().name().in("ja"))
          .compose(officeId -> new AdminBootstrap(vertx, new StaffStore(core.pool(), clock), hasher, console,
              config.dataDir()).run(officeId, config.adminPassword()).map(officeId))
          .map(officeId -> startOffice(core, officeId, config.office(), config.channels(), config.clientAddress(),
              config.databasePoolSize()));
    }

    /** The console's API for the office, with its login service and the contract it is validated by. */
    private Future<StaffApi> buildConsole(Core core, Office office) {
      StaffStore staff = new StaffStore(core.pool(), clock);
      ConsoleSettings consoleSettings = config.console();
      var loginRequests = core.limits().limiter("login", Quota.perMinute(consoleSettings.loginMaxPerMinute()));
      return vertx.executeBlocking(() -> new LoginService(vertx, staff, hasher, consoleSettings.sessionTtl(),
              loginRequests, clock), false)
          .compose(logins -> ApiContract.load(vertx).map(contract -> consoleApi(core, office, staff, logins, contract)));
    }

    private StaffApi consoleApi(Core core, Office office, StaffStore staff, LoginService logins, ApiContract contract) {
      Pool pool = core.pool();
      long officeId = office.officeId();
      // Consultations staff record (phone, window, visit, agency) are triaged like resident messages, without
      // any automatic notice: there is no channel to send one on.
      StaffCaseStore staffCases = new StaffCaseStore(pool);
      HandoffStore handoffs = new HandoffStore(pool, clock);
      return new StaffApi(new ConsoleServices(vertx, staff, core.cases(), new AuditLog(pool),
          new CaseCommands(new CaseCommandStore(pool, clock), handoffs, core.replies(), core.bus(), clock),
          handoffs, new AgencyStore(pool), new TemplateStore(pool), new ReportStore(pool), core.triageStore(),
          core.triageEngine(), core.triage(), core.triageModels(), new TriageCorrectionStore(pool),
          new ComplaintStore(pool), new AccommodationStore(pool), new MilestoneStore(pool), staffCases,
          new StaffIntake(staffCases, TriageStep.withoutNotices(vertx, officeId, core.triageEngine(),
              core.triageStore(), core.bus(), clock), core.bus()),
          core.replies(), logins, hasher, office.channels(), core.bus(), office.profile().hours(), contract,
          config.console(), config.clientAddress(), clock, office.profile().privacyNoticeVersion()));
    }

    /** The verticles of background work: triage refreshes, the outbox, and the leased periodic jobs. */
    private Future<Void> deployJobs(Wired wired) {
      Core core = wired.base().core();
      Office office = wired.office();
      String instance = wired.base().storage().instanceName();
      List<PeriodicJob> leased = new ArrayList<>();
      leased.add(new PeriodicJob("retention",
          () -> new RetentionJob(new RetentionStore(core.pool()), config.retention(), clock)));
      leased.addAll(office.jobs());
      leased.add(new PeriodicJob("after-commit-sweep", () -> new AfterCommitSweep(office.pipeline(), core.messages(),
          office.channels().channels(), clock, SWEEP_INTERVAL, SWEEP_GRACE, SWEEP_WINDOW)));
      Future<Void> deployed = deploy(new TriageRulesRefresh(core.triageEngine(), core.triageStore(), RULES_REFRESH,
          config.triageWarmUpMessages()))
          .compose(v -> deploy(new TriageModelRefresh(core.triage(), core.triageModels(), MODEL_REFRESH)))
          .compose(v -> deploy(new OutboxWorker(new OutboxStore(core.pool()), office.channels(), core.bus(),
              config.outbox(), clock)));
      for (PeriodicJob job : leased) {
        // A periodic job runs on one instance at a time: this one while it holds the job's lease.
        deployed = deployed.compose(v -> deploy(new LeasedVerticle(job.name(), new JobLeaseStore(core.pool()),
            instance, JOB_LEASE, JOB_LEASE_RENEWAL, job.verticle())));
      }
      return deployed;
    }

    /** The separate metrics server if configured, then the public HTTP server. */
    private Future<Started> deployServers(Wired wired) {
      HealthHandler health = new HealthHandler(wired.base().core().db(), wired.base().core().bus(),
          config.redisUrl().isPresent(), wired.office().channels(), wired.base().storage().databaseProcessUp());
      return deployMetricsServer()
          .compose(metricsPort -> deployHttp(v -> routes(v, wired.api(), wired.office().routes(), health))
              .map(httpPort -> new Started(httpPort, metricsPort, wired.office().pipeline())));
    }

    private Router routes(Vertx vertx, StaffApi api, List<ChannelRoutes> channelRoutes, HealthHandler health) {
      Router router = Router.router(vertx);
      router.route().handler(new SecurityHeaders(config.clientAddress()));
      router.get("/health").handler(health);
      if (config.metrics().port().isEmpty()) {
        router.get("/metrics").handler(new MetricsHandler(metrics, config.metrics().token()));
      }
      router.route("/api/*").subRouter(api.router());
      router.get("/console").handler(ctx -> {
        // Vert.x matches /console/ here too: only the bare path is redirected.
        if (ctx.request().path().equals("/console")) {
          ctx.redirect("/console/");
        } else {
          ctx.next();
        }
      });
      router.route("/console/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
      router.route("/console/*").handler(StaticHandler.create("console").setDefaultContentEncoding("UTF-8")
          .setCachingEnabled(false));
      channelRoutes.forEach(mount -> mount.mount(router));
      router.get("/").handler(ctx -> ctx.redirect("/chat"));
      return router;
    }

    /** Deploys {@code httpInstances} servers; the port they listen on (the actual one when HTTP_PORT is 0). */
    private Future<Integer> deployHttp(Function<Vertx, Router> routes) {
      List<HttpServerVerticle> servers = new CopyOnWriteArrayList<>();
      return deploy(() -> {
        HttpServerVerticle server = new HttpServerVerticle(config.httpHost(), config.httpPort(), routes,
            config.shutdownGrace());
        servers.add(server);
        return server;
      }, new DeploymentOptions().setInstances(config.httpInstances()))
          .map(v -> servers.get(0).actualPort());
    }

    /**
     * With {@code METRICS_PORT}, {@code /metrics} has its own server (loopback by default) and nothing else on it;
     * its port, or -1 without one.
     */
    private Future<Integer> deployMetricsServer() {
      MetricsSettings settings = config.metrics();
      if (settings.port().isEmpty()) {
        return Future.succeededFuture(-1);
      }
      MetricsHandler handler = new MetricsHandler(metrics, settings.token());
      HttpServerVerticle server = new HttpServerVerticle(settings.host(), settings.port().getAsInt(), v -> {
        Router router = Router.router(v);
        router.get("/metrics").handler(handler);
        return router;
      }, config.shutdownGrace());
      return deploy(server).map(v -> {
        LOG.atInfo().addKeyValue("host", settings.host()).addKeyValue("port", server.actualPort())
            .log("metrics server started");
        return server.actualPort();
      });
    }

    private Future<Void> deploy(Deployable verticle) {
      return deploy(() -> verticle, new DeploymentOptions());
    }

    /** The one way verticles are deployed: each is undeployed on stop, in reverse order of start. */
    private Future<Void> deploy(Supplier<? extends Deployable> verticles, DeploymentOptions options) {
      return vertx.deployVerticle(verticles, options).map(id -> {
        onStop(() -> vertx.undeploy(id));
        return null;
      });
    }

    private void onStop(Supplier<Future<?>> step) {
      shutdownSteps.push(step);
    }
  }

  /**
   * One office's part, apart from the console: its channels' context, its pipeline (the installed channels' steps,
   * triage with the automatic notice, the consent request) and the channels its settings switched on.
   * Built once per office; nothing in it is shared between offices except what {@code core} holds.
   *
   * @param poolSize the main pool's size: half of it at most goes to the work after ingest
   */
  static Office startOffice(Core core, long officeId, OfficeProfile profile, List<ChannelSetup> setups,
                            ClientAddress clientAddress, int poolSize) {
    ChannelContext context = core.channelContext(officeId, profile, clientAddress);
    // The pipeline's part comes from every installed channel, switched on or not (see Channel).
    List<Channel> installed = Channels.installed();
    // Residents of these channels can write before agreeing to the privacy notice (web chat asks first).
    Set<String> consentFirst = names(installed, Channel::writesBeforeConsent);
    List<AfterIngest> steps = new ArrayList<>();
    // A channel's own steps before triage see the message first (e.g. a mail answering 「同意します」 is recorded,
    // so the steps after it see the consent).
    installed.forEach(c -> steps.addAll(c.beforeTriage(context)));
    // Triage sends the one automatic notice (safety message or out-of-hours notice) once it knows whether the
    // message is a crisis; before consent only the safety message goes out, and the consent request follows.
    steps.add(new TriageStep(core.vertx(), officeId, core.triageEngine(), core.triageStore(), core.bus(),
        new AutomaticNotice(profile, core.replies(), AutomaticNotice.NOTICE_GAP, SAFETY_GAP, core.contacts(),
            consentFirst), core.clock()));
    steps.add(new ConsentRequest(profile, core.contacts(), core.replies(),
        names(installed, Channel::wantsConsentRequest)));
    // A channel's steps after triage (e.g. the mail acknowledgement, which must not double a night's notice).
    installed.forEach(c -> steps.addAll(c.afterTriage(context)));
    // Half the pool at most for triage and notices: the console and the outbox keep connections.
    InboundPipeline pipeline = new InboundPipeline(officeId, core.messages(), core.bus(), steps,
        new AfterCommitQueue(Math.max(2, poolSize / 2), AFTER_COMMIT_QUEUE));
    ChannelRegistry channels = new ChannelRegistry();
    List<ChannelRoutes> routes = new ArrayList<>();
    List<PeriodicJob> jobs = new ArrayList<>();
    for (ChannelSetup setup : setups) {
      ChannelParts parts = setup.start(context, pipeline);
      channels.register(parts.connector());
      routes.addAll(parts.routes());
      jobs.addAll(parts.jobs());
    }
    return new Office(officeId, profile, context, pipeline, List.copyOf(steps), channels, List.copyOf(routes),
        List.copyOf(jobs));
  }

  private static Set<String> names(List<Channel> channels, Predicate<Channel> which) {
    return channels.stream().filter(which).map(Channel::name).collect(Collectors.toSet());
  }

  /**
   * Fails when the gateway can no longer work and should exit non-zero so its supervisor restarts it
   * (the embedded database keeps dying); never completes otherwise.
   */
  public Future<Void> fatal() {
    return fatal;
  }

  /** Stops in reverse order of start; each step runs even if an earlier one failed. */
  public Future<Void> stop() {
    return stop(shutdownSteps);
  }

  private static Future<Void> stop(Deque<Supplier<Future<?>>> shutdownSteps) {
    Future<Void> chain = Future.succeededFuture();
    while (!shutdownSteps.isEmpty()) {
      Supplier<Future<?>> step = shutdownSteps.pop();
      chain = chain.transform(ignored -> step.get()
          .<Void>mapEmpty()
          .recover(err -> {
            LOG.atWarn().addKeyValue("error", err.toString()).log("shutdown step failed");
            return Future.succeededFuture();
          }));
    }
    return chain;
  }

  /** The port HTTP listens on (the actual one when {@code HTTP_PORT} was 0 in tests). */
  public int httpPort() {
    return started.httpPort();
  }

  /** The port of the separate {@code /metrics} server, or -1 when {@code METRICS_PORT} is not set. */
  public int metricsPort() {
    return started.metricsPort();
  }

  /** Where connectors hand inbound messages. */
  public InboundPipeline pipeline() {
    return started.pipeline();
  }
}
