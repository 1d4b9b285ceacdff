package jp.kurashi.testkit.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** JDBC to the gateway's embedded PostgreSQL: the port the run fixed, the password the gateway wrote. */
final class Database {

  private final Path dataDir;
  private final int port;

  Database(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
  }

  Connection connect() throws SQLException {
    Properties props = new Properties();
    props.setProperty("user", "postgres");
    try {
      props.setProperty("password", Files.readString(dataDir.resolve("pg-password"), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new SQLException("no pg-password yet", e);
    }
    props.setProperty("connectTimeout", "3");
    props.setProperty("socketTimeout", "10");
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", props);
  }
}
