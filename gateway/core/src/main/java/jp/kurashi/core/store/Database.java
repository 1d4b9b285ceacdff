package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import jp.kurashi.core.channel.Channels;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The reactive PostgreSQL pool every store shares, with the schema migrated on start.
 *
 * <pre>{@code
 * Database.open(vertx, DatabaseSettings.fromUrl(url, 16))
 *     .onSuccess(db -> new MessageStore(db.pool()));
 * }</pre>
 */
public final class Database {

  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  private static final String CORE_MIGRATIONS = "classpath:db/migration";

  /** Connections kept for storing inbound messages, apart from the main pool (see {@link #inbound()}). */
  public static final int INBOUND_CONNECTIONS = 4;

  private final Pool pool;
  private final Pool inbound;

  private Database(Pool pool, Pool inbound) {
    this.pool = pool;
    this.inbound = inbound;
  }

  /** Migrates the schema (Flyway, on a worker thread) and opens the pools. */
  public static Future<Database> open(Vertx vertx, DatabaseSettings settings) {
    return vertx.executeBlocking(() -> migrate(settings), false)
        .map(v -> new Database(pool(vertx, settings, settings.poolSize()), pool(vertx, settings, INBOUND_CONNECTIONS)));
  }

  private static Pool pool(Vertx vertx, DatabaseSettings settings, int size) {
    return PgBuilder.pool()
        .with(new PoolOptions().setMaxSize(size).setMaxWaitQueueSize(10_000))
        // Named, cached statements: the server parses and plans each one once per connection.
        .connectingTo(new PgConnectOptions(settings.connect()).setCachePreparedStatements(true)
            .setPreparedStatementCacheMaxSize(256))
        .using(vertx)
        .build();
  }

  /**
   * Core's migrations and those of every channel on the classpath, switched on or not (see
   * {@link jp.kurashi.core.channel.Channel}): one version sequence, applied in version order.
   */
  public static List<String> locations() {
    List<String> locations = new ArrayList<>();
    locations.add(CORE_MIGRATIONS);
    // Flyway scans a location recursively: a channel's db/migration/<name> is already under core's (and naming it
    // again only earns a warning on every start). A channel that keeps its migrations elsewhere is added here.
    Channels.migrations().stream().filter(l -> !l.startsWith(CORE_MIGRATIONS + "/")).forEach(locations::add);
    return locations;
  }

  private static Void migrate(DatabaseSettings settings) {
    Flyway flyway = Flyway.configure()
        .dataSource(settings.jdbcUrl(), settings.connect().getUser(), settings.connect().getPassword())
        .locations(locations().toArray(String[]::new))
        .connectRetries(5)
        .load();
    // A desk migrated before the channels took their tables out of V2, V4 and V17 (issue 15) keeps starting.
    SplitMigrations.upgradeHistory(flyway);
    var result = flyway.migrate();
    LOG.atInfo()
        .addKeyValue("applied", result.migrationsExecuted)
        .addKeyValue("schemaVersion", result.targetSchemaVersion)
        .log("database schema migrated");
    return null;
  }

  public Pool pool() {
    return pool;
  }

  /**
   * The pool that stores inbound messages, and nothing else: a resident's message is acknowledged only after
   * its commit, so it must never wait for a connection behind triage, notices, the outbox or the console.
   */
  public Pool inbound() {
    return inbound;
  }

  /** Succeeds when the server answers a trivial query within the timeout. */
  public Future<Void> ping(long timeoutMillis) {
    return pool.query("SELECT 1").execute().<Void>mapEmpty().timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  public Future<Void> close() {
    return Future.join(pool.close(), inbound.close()).mapEmpty();
  }
}
