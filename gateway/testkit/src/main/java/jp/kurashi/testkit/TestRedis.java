package jp.kurashi.testkit;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A real redis-server binary (shipped inside the embedded-redis jar) on a free loopback port;
 * {@link #stop} and {@link #restart} take it away and bring it back on the same port.
 *
 * <pre>{@code
 * try (TestRedis redis = TestRedis.start()) {
 *   String url = redis.url();   // redis://127.0.0.1:40123
 * }
 * }</pre>
 */
public final class TestRedis implements AutoCloseable {

  private final RedisServer server;
  private final int port;

  private TestRedis(RedisServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /** Starts a new server; close it when done. */
  public static TestRedis start() {
    int port = FreePorts.next();
    try {
      RedisServer server = RedisServer.newRedisServer()
          .port(port)
          .setting("bind 127.0.0.1")
          .setting("save \"\"")
          .setting("appendonly no")
          .build();
      server.start();
      return new TestRedis(server, port);
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server did not start", e);
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Kills the server; clients see their connections drop and new ones refused. */
  public void stop() {
    try {
      server.stop();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts the server again on the same port (empty: nothing is persisted). */
  public void restart() {
    try {
      server.start();
    } catch (IOException e) {
      throw new UncheckedIOException("redis-server did not restart on port " + port, e);
    }
  }

  @Override
  public void close() {
    stop();
  }
}
