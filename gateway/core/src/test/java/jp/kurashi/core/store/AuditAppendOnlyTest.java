package jp.kurashi.core.store;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The audit log is append-only for the gateway (issue 14, item 12). */
@ExtendWith(VertxExtension.class)
@DisplayName("The audit log")
class AuditAppendOnlyTest {

  private String url;
  private Database db;

  @BeforeEach
  void setUp(Vertx vertx) {
    url = TestPostgres.shared().newDatabaseUrl();
    db = TestDatabases.open(vertx, url, 2);
    Await.result(db.pool().query("INSERT INTO audit_log (action, allowed) VALUES ('login', true)").execute());
  }

  @AfterEach
  void tearDown() {
    Await.result(db.close());
  }

  private void refused(String sql) {
    assertThatThrownBy(() -> Await.result(db.pool().query(sql).execute()))
        .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.getSqlState()).isEqualTo("42501"))
        .hasMessageContaining("append-only");
  }

  @Test
  @DisplayName("refuses UPDATE, DELETE and TRUNCATE on the gateway's own connection, and takes new rows")
  void gatewayConnection() {
    refused("UPDATE audit_log SET allowed = false");
    refused("DELETE FROM audit_log");
    refused("TRUNCATE audit_log");
    Await.result(new AuditLog(db.pool()).record(AuditLog.AuditEntry.of(null, null, "login", false, "127.0.0.1")));
    assertThat(Await.result(db.pool().query("SELECT count(*) FROM audit_log WHERE allowed").execute()).iterator().next()
        .getLong(0)).isOne();
    assertThat(Await.result(db.pool().query("SELECT count(*) FROM audit_log").execute()).iterator().next().getLong(0))
        .isEqualTo(2);
  }

  @Test
  @DisplayName("prunes only rows over two years old, whatever cut-off the caller passes")
  void pruneFloor() {
    OffsetDateTime future = OffsetDateTime.now(ZoneOffset.UTC).plusYears(1);
    assertThat(Await.result(db.pool().preparedQuery("SELECT audit_prune($1, 1000)").execute(Tuple.of(future)))
        .iterator().next().getInteger(0)).isZero();
  }

  @Test
  @DisplayName("with the production roles (README): the gateway role cannot delete even with the prune switch on, "
      + "and prunes old rows through audit_prune only")
  void separateRoles() throws SQLException {
    String role = "gw_" + System.nanoTime();
    String jdbc = "jdbc:" + url.replace("postgres:postgres@", "");
    try (Connection owner = DriverManager.getConnection(jdbc, "postgres", "postgres"); Statement s = owner.createStatement()) {
      s.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'gw-password'");
      s.execute("GRANT SELECT, INSERT ON audit_log TO " + role);
      s.execute("GRANT USAGE ON SEQUENCE audit_log_id_seq TO " + role);
      s.execute("INSERT INTO audit_log (at, action, allowed) VALUES (now() - interval '11 years', 'login', true)");
    }
    try (Connection gateway = DriverManager.getConnection(jdbc, role, "gw-password"); Statement s = gateway.createStatement()) {
      s.execute("INSERT INTO audit_log (action, allowed) VALUES ('login', true)");
      gateway.setAutoCommit(false);
      s.execute("SET LOCAL kurashi.audit_prune = 'on'");
      assertThatThrownBy(() -> s.execute("DELETE FROM audit_log")).hasMessageContaining("permission denied");
      gateway.rollback();
      gateway.setAutoCommit(true);
      var pruned = s.executeQuery("SELECT audit_prune(now() - interval '10 years', 100)");
      pruned.next();
      assertThat(pruned.getInt(1)).isOne();
    }
    assertThat(Await.result(db.pool().query("SELECT count(*) FROM audit_log").execute()).iterator().next().getLong(0))
        .isEqualTo(2);
  }
}
