package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

  private final Pool pool;

  private Database(Pool pool) {
    this.pool = pool;
  }

  /** Migrates the schema (Flyway, on a worker thread) and opens the pool. */
  public static Future<Database> open(Vertx vertx, DatabaseSettings settings) {
    return vertx.executeBlocking(() -> migrate(settings), false)
        .map(v -> new Database(PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(settings.poolSize()).setMaxWaitQueueSize(10_000))
            // Named, cached statements: the server parses and plans each one once per connection.
            .connectingTo(settings.connect().setCachePreparedStatements(true).setPreparedStatementCacheMaxSize(256))
            .using(vertx)
            .build()));
  }

  private static Void migrate(DatabaseSettings settings) {
    var result = Flyway.configure()
        .dataSource(settings.jdbcUrl(), settings.connect().getUser(), settings.connect().getPassword())
        .locations("classpath:db/migration")
        .connectRetries(5)
        .load()
        .migrate();
    LOG.atInfo()
        .addKeyValue("applied", result.migrationsExecuted)
        .addKeyValue("schemaVersion", result.targetSchemaVersion)
        .log("database schema migrated");
    return null;
  }

  public Pool pool() {
    return pool;
  }

  /** Succeeds when the server answers a trivial query within the timeout. */
  public Future<Void> ping(long timeoutMillis) {
    return pool.query("SELECT 1").execute().<Void>mapEmpty().timeout(timeoutMillis, TimeUnit.MILLISECONDS);
  }

  public Future<Void> close() {
    return pool.close();
  }
}
