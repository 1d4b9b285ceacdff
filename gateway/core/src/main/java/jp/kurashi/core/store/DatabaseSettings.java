package jp.kurashi.core.store;

import io.vertx.pgclient.PgConnectOptions;

/**
 * Where the database is and how many connections to keep.
 *
 * @param connect  host, port, database and credentials
 * @param poolSize connections per gateway instance
 */
public record DatabaseSettings(PgConnectOptions connect, int poolSize) {

  /**
   * Reads a {@code postgresql://user:password@host:port/database} URL.
   *
   * @throws IllegalArgumentException when the URL cannot be read; the message never repeats the password
   */
  public static DatabaseSettings fromUrl(String url, int poolSize) {
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(url);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a postgresql:// URL");
    }
    return new DatabaseSettings(options, poolSize);
  }

  /** The same server as a JDBC URL, for Flyway and the backup command. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + connect.getHost() + ":" + connect.getPort() + "/" + connect.getDatabase();
  }
}
