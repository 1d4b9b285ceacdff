package jp.kurashi.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A separate PostgreSQL server (Debian's PostgreSQL 15, durable as installed: fsync and synchronous commit on) and a
 * real Redis, started for one benchmark in a scratch directory and stopped after it: what several gateway
 * instances share in production.
 */
final class ScratchServers implements AutoCloseable {

  private static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");

  private final Path pgData;
  final int pgPort;
  final int redisPort;
  private final Process redis;

  private ScratchServers(Path pgData, int pgPort, int redisPort, Process redis) {
    this.pgData = pgData;
    this.pgPort = pgPort;
    this.redisPort = redisPort;
    this.redis = redis;
  }

  static ScratchServers start(Path dir) throws Exception {
    Path pgData = dir.resolve("pg");
    Files.createDirectories(pgData);
    int pgPort = freePort();
    asServerUser("chown", "-R", "postgres:postgres", dir.toString());
    run(pgCommand("initdb", "-D", pgData.toString(), "-A", "trust", "-U", "postgres", "-k", "-E", "UTF8",
        "--locale=C.UTF-8"));
    run(pgCommand("pg_ctl", "-D", pgData.toString(), "-l", pgData.resolve("server.log").toString(), "-w", "-o",
        "-p " + pgPort + " -k " + pgData + " -c listen_addresses=127.0.0.1 -c max_connections=200"
            + " -c shared_buffers=256MB", "start"));
    int redisPort = freePort();
    Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no").redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    awaitPort(redisPort);
    return new ScratchServers(pgData, pgPort, redisPort, redis);
  }

  /** {@code postgresql://} URL of a new, empty database {@code name} on the server. */
  String newDatabase(String name) throws Exception {
    run(pgCommand("createdb", "-h", "127.0.0.1", "-p", String.valueOf(pgPort), "-U", "postgres", name));
    return "postgresql://postgres:bench@127.0.0.1:" + pgPort + "/" + name;
  }

  String redisUrl() {
    return "redis://127.0.0.1:" + redisPort;
  }

  /** The postmaster's pid, for {@link CpuMeter}. */
  long postmaster() throws IOException {
    return Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
  }

  double redisCpuSeconds() {
    return ProcessCpu.seconds(redis.pid());
  }

  @Override
  public void close() throws Exception {
    redis.destroy();
    redis.waitFor(10, TimeUnit.SECONDS);
    run(pgCommand("pg_ctl", "-D", pgData.toString(), "-m", "fast", "-w", "stop"));
  }

  /** A PostgreSQL program, run as the postgres user when this is root (the server refuses to run as root). */
  private static List<String> pgCommand(String program, String... args) {
    List<String> command = new ArrayList<>();
    if ("root".equals(System.getProperty("user.name"))) {
      command.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    command.add(PG_BIN.resolve(program).toString());
    command.addAll(List.of(args));
    return command;
  }

  private static void asServerUser(String... command) throws Exception {
    if ("root".equals(System.getProperty("user.name"))) {
      run(List.of(command));
    }
  }

  private static void run(List<String> command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static void awaitPort(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket("127.0.0.1", port)) {
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("redis-server did not listen on " + port);
  }
}
