package jp.kurashi.bench;

import jp.kurashi.testkit.TestRedis;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A separate PostgreSQL server (Debian's PostgreSQL 15, durable as installed: fsync and synchronous commit on) and a
 * real Redis ({@code redis-server} from the PATH, else the binary inside embedded-redis that the tests use), started
 * for one benchmark in a scratch directory and stopped after it: what several gateway instances share in production.
 */
final class ScratchServers implements AutoCloseable {

  private static final Path PG_BIN = Path.of("/usr/lib/postgresql/15/bin");

  private final Path pgData;
  final int pgPort;
  final int redisPort;
  /** The redis-server this started itself, or null when it runs inside embedded-redis. */
  private final Process redis;
  private final TestRedis embeddedRedis;
  private final long redisPid;

  private ScratchServers(Path pgData, int pgPort, int redisPort, Process redis, TestRedis embeddedRedis, long redisPid) {
    this.pgData = pgData;
    this.pgPort = pgPort;
    this.redisPort = redisPort;
    this.redis = redis;
    this.embeddedRedis = embeddedRedis;
    this.redisPid = redisPid;
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
    if (!onPath("redis-server")) {
      TestRedis embedded = TestRedis.start();
      // embedded-redis runs its binary as a child of this JVM; its pid is what the CPU meter reads.
      long pid = ProcessHandle.current().children().filter(p -> p.info().command().orElse("").contains("redis"))
          .mapToLong(ProcessHandle::pid).max().orElse(0);
      System.out.println("redis-server not on the PATH: the embedded-redis binary, port " + embedded.port());
      return new ScratchServers(pgData, pgPort, embedded.port(), null, embedded, pid);
    }
    int redisPort = freePort();
    Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no").redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile()).start();
    awaitPort(redisPort);
    return new ScratchServers(pgData, pgPort, redisPort, redis, null, redis.pid());
  }

  private static boolean onPath(String program) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
        .anyMatch(d -> !d.isEmpty() && Files.isExecutable(Path.of(d, program)));
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
    return redisPid == 0 ? 0 : ProcessCpu.seconds(redisPid);
  }

  @Override
  public void close() throws Exception {
    if (redis != null) {
      redis.destroy();
      redis.waitFor(10, TimeUnit.SECONDS);
    } else {
      embeddedRedis.close();
    }
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
