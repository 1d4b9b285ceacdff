package jp.kurashi.app;

import jp.kurashi.core.config.ConfigException;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.RedisOptions;
import jp.kurashi.core.pipeline.StaffIntake;
import jp.kurashi.core.pipeline.TriageStep;
import jp.kurashi.core.store.StaffCaseStore;
import jp.kurashi.core.triage.TriageRules;
import jp.kurashi.core.triage.TriageModelInForce;
import jp.kurashi.core.triage.TriageModelRefresh;
import jp.kurashi.core.triage.TriageRulesRefresh;
import jp.kurashi.core.store.TriageCorrectionStore;
import jp.kurashi.core.limits.Quota;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.console.ApiContract;
import jp.kurashi.console.ConsoleServices;
import jp.kurashi.console.ConsoleSettings;
import io.vertx.ext.web.handler.StaticHandler;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.pipeline.AutomaticNotice;
import jp.kurashi.core.pipeline.ConsentRequest;
import jp.kurashi.core.pipeline.AfterCommitQueue;
import jp.kurashi.core.lease.LeasedVerticle;
import jp.kurashi.core.lease.PeriodicJob;
import jp.kurashi.core.store.JobLeaseStore;
import jp.kurashi.core.pipeline.AfterCommitSweep;
import java.time.Duration;
import jp.kurashi.console.LoginService;
import jp.kurashi.console.StaffApi;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.channel.Channel;
import jp.kurashi.core.channel.ChannelContext;
import jp.kurashi.core.channel.Channels;
import jp.kurashi.core.channel.ChannelParts;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.channel.ChannelRoutes;
import jp.kurashi.core.channel.ChannelSetup;
import jp.kurashi.core.outbox.OutboxWatch;
import jp.kurashi.core.outbox.OutboxWorker;
import jp.kurashi.core.retention.RetentionJob;
import jp.kurashi.core.store.RetentionStore;
import jp.kurashi.core.pipeline.InboundPipeline;
import jp.kurashi.core.security.PasswordHasher;
import jp.kurashi.core.store.AuditLog;
import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.app.embedded.EmbeddedServerWatch;
import jp.kurashi.app.embedded.LocalPostgres;
import jp.kurashi.app.embedded.PrivateFiles;
import jp.kurashi.app.warmup.StartupWarmUp;
import jp.kurashi.core.store.Durability;
import io.vertx.core.Promise;
import jp.kurashi.core.store.OfficeStore;
import jp.kurashi.core.store.OutboxStore;
import jp.kurashi.core.store.StaffStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import jp.kurashi.core.wiring.Core;

/**
 * The one place that wires the gateway: database, bus, pipeline, outbox, connectors, HTTP.
 * {@link #start} builds everything in order and undoes what it built if a step fails;
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
  /** How often the outbox's oldest due reply is looked at, and how late it may be before the log warns. */
  private static final Duration OUTBOX_WATCH_INTERVAL = Duration.ofMinutes(1);
  private static final Duration OUTBOX_LATE = Duration.ofMinutes(15);
  private static final Duration SWEEP_GRACE = Duration.ofMinutes(1);
  /** Older unfinished messages are left alone: a notice days late would only confuse. */
  private static final Duration SWEEP_WINDOW = Duration.ofHours(24);
  /** How soon the other instances run a model the chief installed on one of them. */
  private static final Duration MODEL_REFRESH = Duration.ofSeconds(30);
  /** The embedded server is started again after dying, but not more often than this. */
  private static final int EMBEDDED_MAX_RESTARTS = 3;
  private static final Duration EMBEDDED_RESTART_WINDOW = Duration.ofMinutes(5);

  private final Vertx vertx;
  private final GatewayConfig config;
  /** Where the generated first passwords are announced. */
  private final PrintStream console;
  private final Clock clock;
  private final PasswordHasher hasher;
  /** Completes when the operator asks the gateway to stop (SIGTERM) while it is still starting. */
  private final Future<Void> stopRequested;
  private final GatewayMetrics metrics = new GatewayMetrics();
  private final Deque<Supplier<Future<?>>> shutdownSteps = new ArrayDeque<>();
  private final Promise<Void> fatal = Promise.promise();
  /** What start-up produced; set once, by {@link #start}, before the gateway is handed out. */
  private final Promise<Running> running = Promise.promise();

  // What each start-up step produced, with what the steps after it still need from before.

  /** The database opened for this instance (named for its job leases), and whether its process (when embedded) is up. */
  private record Opened(String instanceName, Database db, BooleanSupplier processUp) {}

  /** Every office served has its row: their ids, in the configured order. */
  private record Registered(Opened opened, List<Long> officeIds) {}

  /** What every office and channel shares. */
  private record Built(Opened opened, List<Long> officeIds, Core core) {}

  /**
   * One office's wiring: its pipeline, its switched-on channels and what they add to HTTP and the jobs. The
   * registry is every office's: the outbox and the console find each office's connector in it.
   */
  private record Office(OfficeConfig config, long officeId, InboundPipeline pipeline, ChannelRegistry channels,
                        java.util.Set<String> channelNames, List<ChannelRoutes> routes, List<PeriodicJob> jobs) {}

  /** Every office started; the first is the one without {@code OFFICES_FILE}. */
  private record Wired(Opened opened, Core core, List<Office> offices, ChannelRegistry channels) {
    Office first() {
      return offices.get(0);
    }

    List<ChannelRoutes> routes() {
      return offices.stream().flatMap(o -> o.routes().stream()).toList();
    }
  }

  /** The offices with the staff console's API over them. */
  private record Staffed(Wired wired, StaffApi api) {}

  /** The offices and the console, with the port of the separate metrics server (-1 without one). */
  private record Measured(Staffed staffed, int metricsPort) {}

  /** What a started gateway reports: its ports and where connectors hand inbound messages. */
  private record Running(int httpPort, int metricsPort, InboundPipeline pipeline) {}

  private Gateway(Vertx vertx, GatewayConfig config, PrintStream console, Clock clock, PasswordHasher hasher,
                  Future<Void> stopRequested) {
    this.vertx = vertx;
    this.config = config;
    this.console = console;
    this.clock = clock;
    this.hasher = hasher;
    this.stopRequested = stopRequested;
  }

  /**
   * Starts a gateway on {@code vertx}; on failure everything already started is stopped again.
   * Every decision that depends on the time (office hours, notices, sessions, lockouts, reports) reads
   * {@code clock}: the system clock in production, a chosen moment in tests.
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, PrintStream console, Clock clock) {
    return start(vertx, config, console, clock, Promise.<Void>promise().future());
  }

  /**
   * As above; once {@code stopRequested} completes (the operator's SIGTERM during the start), the start-up warm-up is
   * cut short and the start fails with {@link StopRequestedException} after stopping what it had started.
   */
  public static Future<Gateway> start(Vertx vertx, GatewayConfig config, PrintStream console, Clock clock,
                                      Future<Void> stopRequested) {
    return start(vertx, config, console, clock, new PasswordHasher(), stopRequested);
  }

  /** As above with a given hasher: tests pass one that counts hash evaluations. */
  static Future<Gateway> start(Vertx vertx, GatewayConfig config, PrintStream console, Clock clock,
                               PasswordHasher hasher) {
    return start(vertx, config, console, clock, hasher, Promise.<Void>promise().future());
  }

  private static Future<Gateway> start(Vertx vertx, GatewayConfig config, PrintStream console, Clock clock,
                                       PasswordHasher hasher, Future<Void> stopRequested) {
    Gateway gateway = new Gateway(vertx, config, console, clock, hasher, stopRequested);
    return gateway.startAll()
        .map(started -> {
          gateway.running.complete(started);
          return gateway;
        })
        .recover(err -> gateway.stop().transform(ignored -> Future.failedFuture(err)));
  }

  /**
   * Start-up, top to bottom: each step takes what the steps before it produced and pushes its undoing onto
   * the stop steps, so a failed step leaves {@link #start} to stop what started before it.
   */
  private Future<Running> startAll() {
    return instanceName()
        .compose(this::openDatabase)
        .compose(this::warmUp)
        .compose(this::unlessStopRequested)
        .compose(this::primeConnections)
        .compose(this::ensureOffices)
        .compose(this::buildCore)
        .compose(this::startOffices)
        .compose(this::buildConsole)
        .compose(this::deployJobs)
        .compose(this::deployMetricsServer)
        .compose(this::deployHttp)
        .onSuccess(r -> LOG.atInfo().addKeyValue("port", r.httpPort())
            .addKeyValue("offices", String.join(",", config.offices().stream().map(OfficeConfig::code).toList()))
            .log("gateway started"));
  }

  /** This instance's name, kept in {@code DATA_DIR/instance-id} across restarts: the holder of its job leases. */
  private Future<String> instanceName() {
    return vertx.executeBlocking(() -> InstanceName.of(config.dataDir()), false);
  }

  /** The configured server, or the embedded one started (and watched) in the data directory; refuses one that is not durable. */
  private Future<Opened> openDatabase(String instanceName) {
    if (config.database().isPresent()) {
      return open(instanceName, config.database().get(), () -> true);
    }
    return vertx.executeBlocking(() -> {
      PrivateFiles.privateDirectory(config.dataDir());
      return LocalPostgres.start(config.dataDir().resolve("pg"), config.embeddedDatabasePort());
    }).compose(pg -> {
      EmbeddedServerWatch watch = new EmbeddedServerWatch(vertx, pg, EMBEDDED_MAX_RESTARTS, EMBEDDED_RESTART_WINDOW);
      watch.givenUp().onFailure(fatal::tryFail);
      onStop(watch::stop);
      return open(instanceName, pg.settings(config.databasePoolSize()), watch::running);
    });
  }

  private Future<Opened> open(String instanceName, DatabaseSettings settings, BooleanSupplier processUp) {
    return Database.open(vertx, settings).compose(db -> {
      onStop(db::close);
      return checkDurable(db).map(v -> new Opened(instanceName, db, processUp));
    });
  }

  /**
   * The message path run on a scratch gateway ({@link StartupWarmUp}) so the JIT has compiled it before the first
   * resident writes. Right after the database: a wrong {@code DATABASE_URL} or a {@code DATA_DIR} in use fails at once,
   * and nothing of this desk runs yet whose logs the warm-up's quiet would hide. Never fails the start.
   */
  private Future<Opened> warmUp(Opened opened) {
    return StartupWarmUp.run(vertx, config, clock, stopRequested).map(opened);
  }

  /**
   * Every database connection opened before the first resident writes: under a burst after a restart, opening them one
   * by one (each an authentication and a new server process) was part of the first seconds' wait.
   */
  private Future<Opened> primeConnections(Opened opened) {
    long started = System.nanoTime();
    return opened.db().prime().map(count -> {
      LOG.atInfo().addKeyValue("connections", count)
          .addKeyValue("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).log("database connections opened");
      return opened;
    });
  }

  /** Goes no further than the database once a stop was asked for: the rest would only be stopped again. */
  private Future<Opened> unlessStopRequested(Opened opened) {
    return stopRequested.isComplete() ? Future.failedFuture(new StopRequestedException()) : Future.succeededFuture(opened);
  }

  /** Every office served, in the configured order: their ids. */
  private Future<Registered> ensureOffices(Opened opened) {
    OfficeStore store = new OfficeStore(opened.db().pool());
    Future<List<Long>> ids = Future.succeededFuture(List.of());
    for (OfficeConfig office : config.offices()) {
      ids = ids.compose(before -> ensureOffice(store, office, before));
    }
    return ids.map(officeIds -> new Registered(opened, officeIds));
  }

  private static Future<List<Long>> ensureOffice(OfficeStore store, OfficeConfig office, List<Long> before) {
    return store.ensure(office.code(), office.profile().name().in("ja"))
        .map(id -> java.util.stream.Stream.concat(before.stream(), java.util.stream.Stream.of(id)).toList());
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

  /**
   * Fails when the gateway can no longer work and should exit non-zero so its supervisor restarts it
   * (the embedded database keeps dying); never completes otherwise.
   */
  public Future<Void> fatal() {
    return fatal.future();
  }

  /** Rate limits shared by every instance through Redis when it is configured, else this process's own. */
  private RateLimits rateLimits() {
    RateLimits limits = config.redisUrl().isEmpty() ? RateLimits.inProcess(clock)
        : RateLimits.redis(vertx, new RedisOptions().setConnectionString(config.redisUrl().get()), clock);
    onStop(limits::close);
    return limits;
  }

  private Future<CaseEvents> bus() {
    Future<CaseEvents> bus = config.redisUrl().isEmpty() ? Future.succeededFuture(CaseEvents.inProcess(vertx))
        : CaseEvents.redis(vertx, new RedisOptions().setConnectionString(config.redisUrl().get()))
            .recover(err -> Future.failedFuture(new ConfigException("REDIS_URL: cannot connect to Redis")));
    return bus.onSuccess(events -> onStop(events::close));
  }

  /**
   * The first administrator, the triage model in force, the bus and the rate limits, then the {@link Core} over them.
   */
  private Future<Built> buildCore(Registered registered) {
    Database db = registered.opened().db();
    List<Long> officeIds = registered.officeIds();
    StaffStore staff = new StaffStore(db.pool(), clock);
    AdminBootstrap bootstrap = new AdminBootstrap(vertx, staff, hasher, console, config.dataDir());
    Future<Void> admins = bootstrap.run(officeIds.get(0), config.adminPassword());
    // Every further office of OFFICES_FILE gets its own first administrator.
    for (int i = 1; i < officeIds.size(); i++) {
      long officeId = officeIds.get(i);
      String code = config.offices().get(i).code();
      admins = admins.compose(v -> bootstrap.runForOffice(officeId, code));
    }
    return admins
        .compose(v -> shippedTriage())
        .compose(triage -> core(db, triage))
        .map(core -> new Built(registered.opened(), officeIds, core));
  }

  /** Compiling the rules runs Kuromoji over every phrase and the model is read from the jar: worker thread. */
  private Future<TriageModelInForce> shippedTriage() {
    return vertx.executeBlocking(() -> TriageModelInForce.shipped(TriageRules.bundled()), false);
  }

  private Future<Core> core(Database db, TriageModelInForce triage) {
    return bus().map(bus -> Core.create(vertx, db, bus, rateLimits(), triage, clock));
  }

  /** Every office started in the configured order, their connectors in one registry. */
  private Future<Wired> startOffices(Built built) {
    ChannelRegistry channels = new ChannelRegistry();
    List<Office> offices = new java.util.ArrayList<>();
    for (int i = 0; i < built.officeIds().size(); i++) {
      offices.add(startOffice(built.core(), config.offices().get(i), built.officeIds().get(i), channels));
    }
    return Future.succeededFuture(new Wired(built.opened(), built.core(), List.copyOf(offices), channels));
  }

  /**
   * One office's part: its {@link ChannelContext} (its profile; its code after its public paths when
   * {@code OFFICES_FILE} lists the offices), its pipeline with the channels' steps around triage, and its
   * switched-on channels started, their connectors registered as the office's. Everything else is shared through
   * {@code core}.
   */
  private Office startOffice(Core core, OfficeConfig office, long officeId, ChannelRegistry channels) {
    ChannelContext channelContext = new ChannelContext(vertx, officeId, office.profile(), core.database().pool(),
        core.contacts(), core.messages(), core.replies(), core.bus(), core.limits(), metrics, config.clientAddress(),
        clock, office.code(), config.officePaths() ? "/" + office.code() : "");
    InboundPipeline pipeline = pipeline(core, officeId, office, channelContext);
    // Stopped after HTTP and the jobs, before the pool: running triage finishes, waiting work is left to the sweep.
    onStop(() -> pipeline.afterCommitQueue().close()
        .timeout(config.shutdownGrace().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS));
    List<ChannelRoutes> channelRoutes = new java.util.ArrayList<>();
    List<PeriodicJob> channelJobs = new java.util.ArrayList<>();
    java.util.Set<String> names = new java.util.HashSet<>();
    for (ChannelSetup channel : office.channels()) {
      ChannelParts parts = channel.start(channelContext, pipeline);
      channels.register(officeId, parts.connector());
      names.add(parts.connector().channel());
      channelRoutes.addAll(parts.routes());
      channelJobs.addAll(parts.jobs());
    }
    return new Office(office, officeId, pipeline, channels, java.util.Set.copyOf(names), List.copyOf(channelRoutes),
        List.copyOf(channelJobs));
  }

  private InboundPipeline pipeline(Core core, long officeId, OfficeConfig office, ChannelContext channelContext) {
    // The pipeline's part comes from every installed channel, switched on or not (see Channel).
    List<Channel> installed = Channels.installed();
    // Residents of these channels can write before agreeing to the privacy notice (web chat asks first).
    java.util.Set<String> consentFirst = names(installed, Channel::writesBeforeConsent);
    List<jp.kurashi.core.pipeline.AfterIngest> steps = new java.util.ArrayList<>();
    // A channel's own steps before triage see the message first (e.g. a mail answering 「同意します」 is recorded,
    // so the steps after it see the consent).
    installed.forEach(c -> steps.addAll(c.beforeTriage(channelContext)));
    // Triage sends the one automatic notice (safety message or out-of-hours notice) once it knows whether the
    // message is a crisis; before consent only the safety message goes out, and the consent request follows.
    steps.add(new TriageStep(vertx, officeId, core.triage().engine(), core.triageStore(), core.bus(),
        new AutomaticNotice(office.profile(), core.replies(), AutomaticNotice.NOTICE_GAP, SAFETY_GAP, core.contacts(),
            consentFirst),
        clock));
    steps.add(new ConsentRequest(office.profile(), core.replies(),
        names(installed, Channel::wantsConsentRequest)));
    // A channel's steps after triage (e.g. the mail acknowledgement, which must not double a night's notice).
    installed.forEach(c -> steps.addAll(c.afterTriage(channelContext)));
    // Half the pool at most for triage and notices: the console and the outbox keep connections.
    return new InboundPipeline(officeId, core.messages(), core.bus(), steps,
        new AfterCommitQueue(Math.max(2, config.databasePoolSize() / 2), AFTER_COMMIT_QUEUE));
  }

  /** The staff console's API: logins (built on a worker: the hasher's warm-up), the contract, the services. */
  private Future<Staffed> buildConsole(Wired wired) {
    StaffStore staff = new StaffStore(wired.core().database().pool(), clock);
    ConsoleSettings consoleSettings = config.console();
    var loginRequests = wired.core().limits().limiter("login", Quota.perMinute(consoleSettings.loginMaxPerMinute()));
    return vertx.executeBlocking(() -> new LoginService(vertx, staff, hasher, consoleSettings.sessionTtl(),
            loginRequests, clock), false)
        .compose(logins -> consoleApi(wired, staff, logins));
  }

  /** The API over its contract (read from the class path). */
  private Future<Staffed> consoleApi(Wired wired, StaffStore staff, LoginService logins) {
    return ApiContract.load(vertx).map(contract -> new Staffed(wired, staffApi(wired, staff, logins, contract)));
  }

  private StaffApi staffApi(Wired wired, StaffStore staff, LoginService logins, ApiContract contract) {
    Core core = wired.core();
    var db = core.database();
    var bus = core.bus();
    var replies = core.replies();
    var triageEngine = core.triage().engine();
    // Consultations staff record (phone, window, visit, agency) are triaged like resident messages, without
    // any automatic notice: there is no channel to send one on.
    StaffCaseStore staffCases = new StaffCaseStore(db.pool());
    var handoffs = new jp.kurashi.core.store.HandoffStore(db.pool(), clock);
    return new StaffApi(new ConsoleServices(vertx, staff, core.cases(), new AuditLog(db.pool()),
        new jp.kurashi.core.cases.CaseCommands(new jp.kurashi.core.store.CaseCommandStore(db.pool(), clock),
            handoffs, replies, bus, clock),
        handoffs, new jp.kurashi.core.store.AgencyStore(db.pool()), new jp.kurashi.core.store.TemplateStore(db.pool()),
        new jp.kurashi.core.store.ReportStore(db.pool()), core.triageStore(), triageEngine, core.triage(),
        core.triageModels(),
        new TriageCorrectionStore(db.pool()), new jp.kurashi.core.store.ComplaintStore(db.pool()),
        new jp.kurashi.core.store.AccommodationStore(db.pool()),
        new jp.kurashi.core.store.MilestoneStore(db.pool()), staffCases,
        new StaffIntake(staffCases, ofCase -> TriageStep.withoutNotices(vertx, ofCase, triageEngine, core.triageStore(),
            bus, clock), bus),
        replies, logins, hasher, wired.first().channels(), bus,
        config.office().hours(), contract, config.console(), config.clientAddress(), clock,
        config.office().privacyNoticeVersion(), consoleOffices(wired.offices())));
  }

  private static List<jp.kurashi.console.ConsoleOffice> consoleOffices(List<Office> offices) {
    return offices.stream().map(o -> new jp.kurashi.console.ConsoleOffice(o.officeId(), o.config().code(),
        o.config().profile().name(), o.config().profile().hours(), o.config().profile().privacyNoticeVersion())).toList();
  }

  /** Every background verticle: triage refreshes, the outbox, and the leased periodic jobs (retention, channels', sweep). */
  private Future<Staffed> deployJobs(Staffed staffed) {
    Core core = staffed.wired().core();
    List<Office> offices = staffed.wired().offices();
    String instanceName = staffed.wired().opened().instanceName();
    Database db = core.database();
    List<PeriodicJob> leased = new java.util.ArrayList<>();
    leased.add(new PeriodicJob("retention",
        () -> new RetentionJob(new RetentionStore(db.pool(), config.channelRetention()), config.retention(), clock)));
    for (Office office : offices) {
      leased.addAll(office.jobs());
      // Each office's pipeline sweeps its own messages (its profile's notices); one lease per office.
      leased.add(new PeriodicJob("after-commit-sweep" + (config.officePaths() ? "/" + office.config().code() : ""),
          () -> new AfterCommitSweep(office.pipeline(), core.messages(), office.channelNames(), clock,
              SWEEP_INTERVAL, SWEEP_GRACE, SWEEP_WINDOW)));
    }
    ChannelRegistry channels = staffed.wired().channels();
    Future<?> deployed = deploy(new TriageRulesRefresh(core.triage().engine(), core.triageStore(), RULES_REFRESH,
        config.triageWarmUpMessages()))
        .compose(x -> deploy(new TriageModelRefresh(core.triage(), core.triageModels(), MODEL_REFRESH)))
        .compose(x -> deploy(new OutboxWorker(new OutboxStore(db.pool()), channels, core.bus(),
            config.outbox(), clock)))
        .compose(x -> deploy(new OutboxWatch(new OutboxStore(db.pool()), core.bus(), metrics, OUTBOX_WATCH_INTERVAL,
            OUTBOX_LATE, clock)));
    for (PeriodicJob job : leased) {
      // A periodic job runs on one instance at a time: this one while it holds the job's lease.
      deployed = deployed.compose(x -> deploy(new LeasedVerticle(job.name(), new JobLeaseStore(db.pool()),
          instanceName, JOB_LEASE, JOB_LEASE_RENEWAL, job.verticle())));
    }
    return deployed.map(staffed);
  }

  private static java.util.Set<String> names(List<Channel> channels, java.util.function.Predicate<Channel> which) {
    return channels.stream().filter(which).map(Channel::name).collect(java.util.stream.Collectors.toSet());
  }

  /** The public server's routes, built for each HTTP instance ({@code vertx} is the one it runs on). */
  private Router routes(Vertx vertx, Staffed staffed) {
    Wired wired = staffed.wired();
    Router router = Router.router(vertx);
    router.route().handler(new SecurityHeaders(config.clientAddress()));
    router.get("/health").handler(new HealthHandler(wired.opened().db(), wired.core().bus(),
        config.redisUrl().isPresent(), wired.channels(), wired.opened().processUp()));
    if (config.metrics().port().isEmpty()) {
      router.get("/metrics").handler(new MetricsHandler(metrics, config.metrics().token()));
    }
    router.route("/api/*").subRouter(staffed.api().router());
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
    wired.routes().forEach(mount -> mount.mount(router));
    // The first office's chat page (the only one without OFFICES_FILE).
    String chat = "/chat" + (config.officePaths() ? "/" + wired.first().config().code() : "");
    router.get("/").handler(ctx -> ctx.redirect(chat));
    return router;
  }

  /** The one way a verticle is deployed: its undeploy is a stop step. */
  private Future<String> deploy(io.vertx.core.Deployable verticle) {
    return deploy(() -> verticle, new DeploymentOptions());
  }

  private Future<String> deploy(Supplier<? extends io.vertx.core.Deployable> verticles, DeploymentOptions options) {
    return vertx.deployVerticle(verticles, options).onSuccess(id -> onStop(() -> vertx.undeploy(id)));
  }

  /** The public HTTP servers (one per {@code HTTP_INSTANCES}), last: the gateway answers once all is ready. */
  private Future<Running> deployHttp(Measured measured) {
    Staffed staffed = measured.staffed();
    List<HttpServerVerticle> servers = new java.util.concurrent.CopyOnWriteArrayList<>();
    return deploy(() -> httpServer(staffed, servers), new DeploymentOptions().setInstances(config.httpInstances()))
        .map(id -> new Running(servers.get(0).actualPort(), measured.metricsPort(), staffed.wired().first().pipeline()));
  }

  /** One HTTP instance, remembered in {@code servers} so the port it got can be read. */
  private HttpServerVerticle httpServer(Staffed staffed, List<HttpServerVerticle> servers) {
    HttpServerVerticle server = new HttpServerVerticle(config.httpHost(), config.httpPort(), v -> routes(v, staffed),
        config.shutdownGrace());
    servers.add(server);
    return server;
  }

  /**
   * With {@code METRICS_PORT}, {@code /metrics} has its own server (loopback by default) and nothing else on it;
   * completes with its port, or -1 without one.
   */
  private Future<Measured> deployMetricsServer(Staffed staffed) {
    MetricsSettings settings = config.metrics();
    if (settings.port().isEmpty()) {
      return Future.succeededFuture(new Measured(staffed, -1));
    }
    MetricsHandler handler = new MetricsHandler(metrics, settings.token());
    HttpServerVerticle server = new HttpServerVerticle(settings.host(), settings.port().getAsInt(), v -> {
      Router router = Router.router(v);
      router.get("/metrics").handler(handler);
      return router;
    }, config.shutdownGrace());
    return deploy(server).map(id -> {
      int port = server.actualPort();
      LOG.atInfo().addKeyValue("host", settings.host()).addKeyValue("port", port).log("metrics server started");
      return new Measured(staffed, port);
    });
  }

  private void onStop(Supplier<Future<?>> step) {
    shutdownSteps.push(step);
  }

  /** Stops in reverse order of start; each step runs even if an earlier one failed. */
  public Future<Void> stop() {
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
    return running().httpPort();
  }

  /** The port of the separate {@code /metrics} server, or -1 when {@code METRICS_PORT} is not set. */
  public int metricsPort() {
    return running().metricsPort();
  }

  /** Where connectors hand inbound messages. */
  public InboundPipeline pipeline() {
    return running().pipeline();
  }

  private Running running() {
    return running.future().result();
  }
}
