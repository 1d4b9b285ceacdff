package jp.kurashi.core.store;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestPostgres;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@DisplayName("Opening the database connections before the first resident writes")
class DatabasePrimeTest {

  private static final String CONNECTIONS_TO_THIS_DATABASE = """
      SELECT count(*) FROM pg_stat_activity
       WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()
      """;

  @Test
  @DisplayName("opens every connection of the main and the inbound pool, each having read the message path's tables")
  void opensEveryConnection(Vertx vertx) {
    String url = TestPostgres.shared().newDatabaseUrl();
    Database db = TestDatabases.open(vertx, url, 3);
    Pool observer = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(url)).using(vertx).build();
    try {
      assertThat(connections(observer)).isZero();

      assertThat(Await.result(db.prime())).isEqualTo(3 + Database.INBOUND_CONNECTIONS);

      assertThat(connections(observer)).isEqualTo(3 + Database.INBOUND_CONNECTIONS);
      // Given back, and kept: a second call has every one of them again and opens none.
      assertThat(Await.result(db.prime())).isEqualTo(3 + Database.INBOUND_CONNECTIONS);
      assertThat(connections(observer)).isEqualTo(3 + Database.INBOUND_CONNECTIONS);
    } finally {
      Await.result(observer.close());
      Await.result(db.close());
    }
  }

  @Test
  @DisplayName("the tables it reads are the ones the message path writes (a renamed table fails here, not at a start)")
  void readsExistingTables(Vertx vertx) {
    Database db = TestDatabases.fresh(vertx, 1);
    try {
      assertThat(Await.result(db.pool().query(Database.READ_MESSAGE_PATH_TABLES).execute()).size()).isZero();
    } finally {
      Await.result(db.close());
    }
  }

  @Test
  @DisplayName("connections that cannot be had (here: from closed pools) cost the start nothing but a count of 0")
  void noConnections(Vertx vertx) {
    String url = TestPostgres.shared().newDatabaseUrl();
    Database db = TestDatabases.open(vertx, url, 2);
    try {
      Await.result(db.close());
      assertThat(Await.result(db.prime())).isZero();
    } finally {
      db.close();
    }
  }

  private static long connections(Pool observer) {
    Row row = Await.result(observer.query(CONNECTIONS_TO_THIS_DATABASE).execute()).iterator().next();
    return row.getLong(0);
  }
}
