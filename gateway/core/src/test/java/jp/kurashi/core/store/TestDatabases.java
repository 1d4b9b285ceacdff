package jp.kurashi.core.store;

import io.vertx.core.Vertx;
import jp.kurashi.testkit.Await;
import jp.kurashi.testkit.TestPostgres;

/** Migrated, empty databases on the shared embedded server. */
public final class TestDatabases {

  private TestDatabases() {
  }

  public static Database fresh(Vertx vertx) {
    return fresh(vertx, 8);
  }

  public static Database fresh(Vertx vertx, int poolSize) {
    return open(vertx, migratedUrl(), poolSize);
  }

  /** A new database at this version's schema, copied from one migrated once per JVM. */
  public static String migratedUrl() {
    return TestPostgres.shared().newDatabaseUrlFrom("migrated", url -> Database.migrate(DatabaseSettings.fromUrl(url, 1)));
  }

  /** Opens (and migrates) the database at {@code url}: a second pool on it acts as a second instance. */
  public static Database open(Vertx vertx, String url, int poolSize) {
    return Await.result(Database.open(vertx, DatabaseSettings.fromUrl(url, poolSize)));
  }

  /** The office the first migration creates. */
  public static long defaultOffice(Database db) {
    return Await.result(new OfficeStore(db.pool()).ensure("default", "テスト相談窓口"));
  }
}
