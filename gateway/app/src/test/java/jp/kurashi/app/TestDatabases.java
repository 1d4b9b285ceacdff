package jp.kurashi.app;

import jp.kurashi.core.store.Database;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.testkit.TestPostgres;

/** Databases for tests of the whole gateway, on the shared embedded server. */
final class TestDatabases {

  private TestDatabases() {
  }

  /**
   * A new database already at this version's schema, copied from one migrated once per JVM: the gateway's start
   * then finds nothing to migrate. Tests of the migrations themselves start from {@link TestPostgres#newDatabaseUrl}.
   */
  static String migrated() {
    return TestPostgres.shared().newDatabaseUrlFrom("migrated", url -> Database.migrate(DatabaseSettings.fromUrl(url, 1)));
  }
}
