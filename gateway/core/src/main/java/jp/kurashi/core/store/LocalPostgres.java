package jp.kurashi.core.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A PostgreSQL server the gateway runs itself when no {@code DATABASE_URL} is given.
 * Its binaries come from Maven; its data stays in the directory given, so a restart keeps everything.
 * Start and stop block: call them from a worker thread or before Vert.x starts.
 */
public final class LocalPostgres implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);

  private final EmbeddedPostgres server;
  private final Path dataDir;

  private LocalPostgres(EmbeddedPostgres server, Path dataDir) {
    this.server = server;
    this.dataDir = dataDir;
  }

  /**
   * Starts a server on {@code dataDir}, creating the cluster on first use.
   *
   * @param port a fixed port, or 0 for any free one
   */
  public static LocalPostgres start(Path dataDir, int port) throws IOException {
    Files.createDirectories(dataDir);
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "200")
        .setServerConfig("listen_addresses", "127.0.0.1");
    if (port > 0) {
      builder.setPort(port);
    }
    EmbeddedPostgres server = builder.start();
    LOG.atInfo().addKeyValue("dataDir", dataDir).addKeyValue("port", server.getPort())
        .log("embedded PostgreSQL started");
    return new LocalPostgres(server, dataDir);
  }

  public int port() {
    return server.getPort();
  }

  public Path dataDir() {
    return dataDir;
  }

  /** Connection settings for the {@code postgres} database of this server. */
  public DatabaseSettings settings(int poolSize) {
    return DatabaseSettings.fromUrl("postgresql://postgres@127.0.0.1:" + port() + "/postgres", poolSize);
  }

  @Override
  public void close() throws IOException {
    server.close();
    LOG.atInfo().addKeyValue("dataDir", dataDir).log("embedded PostgreSQL stopped");
  }
}
