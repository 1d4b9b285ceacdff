package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
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

  private static final long PRIME_WAIT_SECONDS = 10;

  /**
   * One index probe of each table a resident's message passes through: the server process that runs it has the tables'
   * and their indexes' catalog entries loaded, which a new process otherwise reads during its first insert.
   */
  static final String READ_MESSAGE_PATH_TABLES = """
      SELECT 1 FROM contact WHERE id = -1
      UNION ALL SELECT 1 FROM consultation_case WHERE id = -1
      UNION ALL SELECT 1 FROM message WHERE id = -1
      UNION ALL SELECT 1 FROM triage_result WHERE message_id = -1
      UNION ALL SELECT 1 FROM outbox WHERE id = -1
      """;

  private final Pool pool;
  private final int poolSize;
  private final Pool inbound;

  private Database(Pool pool, int poolSize, Pool inbound) {
    this.pool = pool;
    this.poolSize = poolSize;
    this.inbound = inbound;
  }

  /** Migrates the schema (Flyway, on a worker thread) and opens the pools. */
  public static Future<Database> open(Vertx vertx, DatabaseSettings settings) {
    return vertx.executeBlocking(() -> {
          migrate(settings);
          return null;
        }, false)
        .map(v -> new Database(pool(vertx, settings, settings.poolSize()), settings.poolSize(),
            pool(vertx, settings, INBOUND_CONNECTIONS)));
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

  /** Migrates the schema at {@code settings} to this version's: blocking (Flyway over JDBC), for a worker thread. */
  public static void migrate(DatabaseSettings settings) {
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

  /**
   * Opens every connection of both pools at once and has each read the message path's tables, so the first residents
   * after a start wait neither for connections to be set up (authentication, a new server process each) nor for
   * catalogs to be read: a pool otherwise opens them one by one under the first load. Never fails: a connection that
   * cannot be opened now is opened on first use, as before.
   *
   * @return how many connections were opened and read
   */
  public Future<Integer> prime() {
    return Future.all(prime(pool, poolSize), prime(inbound, INBOUND_CONNECTIONS))
        .map(both -> both.<Integer>resultAt(0) + both.<Integer>resultAt(1));
  }

  private static Future<Integer> prime(Pool pool, int size) {
    List<Future<Boolean>> primed = new ArrayList<>(size);
    List<Future<SqlConnection>> held = new ArrayList<>(size);
    // All held together: a connection given back early would be handed out again instead of a new one being opened.
    for (int i = 0; i < size; i++) {
      Future<SqlConnection> connection = pool.getConnection();
      held.add(connection);
      primed.add(connection.compose(c -> c.query(READ_MESSAGE_PATH_TABLES).execute())
          .map(true).otherwise(false));
    }
    // A server that is slow to open connections delays the start by this much at most; the rest open on first use.
    return Future.join(primed).timeout(PRIME_WAIT_SECONDS, TimeUnit.SECONDS).transform(done -> {
      held.forEach(c -> c.onSuccess(SqlConnection::close));
      return Future.succeededFuture((int) primed.stream().filter(f -> Boolean.TRUE.equals(f.result())).count());
    });
  }

  /** Succeeds when the server answers a trivial query within the timeout. */
  public Future<Void> ping(long timeoutMillis) {
    return pool.query("SELECT 1").execute().<Void>mapEmpty().timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  public Future<Void> close() {
    return Future.join(pool.close(), inbound.close()).mapEmpty();
  }
}
