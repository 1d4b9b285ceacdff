package jp.kurashi.app.embedded;

import io.vertx.pgclient.PgConnectOptions;
import jp.kurashi.core.store.DatabaseSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL server the gateway runs itself when no {@code DATABASE_URL} is given.
 *
 * <p>Durable and private: PostgreSQL's own defaults (fsync, synchronous commit and full-page writes on;
 * checked by {@link jp.kurashi.core.store.Durability} once connected), data checksums on new clusters,
 * {@code scram-sha-256} with a generated password kept 0600 in {@code DATA_DIR}, TCP on 127.0.0.1 only and
 * the Unix socket in a 0700 folder. Recovers from crashes: a server left running by a killed gateway is
 * stopped cleanly before the new one starts, and a {@code postmaster.pid} left by a dead one is removed.
 *
 * <p>The server runs as a child process, so {@link #exited()} completes the moment it dies.
 * Start and stop block: call them from a worker thread or before Vert.x starts.
 */
public final class LocalPostgres implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalPostgres.class);
  private static final String USER = "postgres";
  /** The generated password, beside the data directory in DATA_DIR, readable by the gateway's user only. */
  private static final String PASSWORD_FILE = "pg-password";
  private static final Duration START_LIMIT = Duration.ofSeconds(60);

  private final PostgresBinaries binaries;
  private final Path dataDir;
  private final Path socketDir;
  private final String password;
  private final int port;
  private final Process process;
  private final FileLock lock;

  private LocalPostgres(PostgresBinaries binaries, Path dataDir, Path socketDir, String password, int port,
                        Process process, FileLock lock) {
    this.lock = lock;
    this.binaries = binaries;
    this.dataDir = dataDir;
    this.socketDir = socketDir;
    this.password = password;
    this.port = port;
    this.process = process;
  }

  /**
   * Starts a server on {@code dataDir} (e.g. {@code DATA_DIR/pg}), creating the cluster on first use.
   * Its programs, password file and socket folder sit beside it in the same private parent folder.
   *
   * @param port a fixed port, or 0 for any free one
   */
  public static LocalPostgres start(Path dataDir, int port) throws IOException {
    Path home = PrivateFiles.privateDirectory(dataDir.toAbsolutePath().normalize().getParent());
    Path data = dataDir.toAbsolutePath().normalize();
    // The lock first: two starts on one DATA_DIR must not unpack the programs into the same folder at once.
    FileLock lock = lockDataDir(home);
    try {
      PostgresBinaries binaries = PostgresBinaries.unpack(home.resolve("pg-bin"));
      Path socketDir = PrivateFiles.privateDirectory(home.resolve("pg-socket"));
      return start(binaries, data, socketDir, home.resolve(PASSWORD_FILE), port, lock);
    } catch (IOException | RuntimeException e) {
      lock.channel().close();
      throw e;
    }
  }

  /**
   * Stops a server left running on {@code dataDir} by a killed gateway, and removes a stale pid file, without starting
   * one: for a folder about to be deleted. Holds the folder's lock meanwhile, as {@link #start} does; does nothing when
   * there is no pid file.
   */
  public static void stopLeftOver(Path dataDir) throws IOException {
    Path data = dataDir.toAbsolutePath().normalize();
    if (PostmasterPidFile.read(data).isEmpty()) {
      return;
    }
    Path home = PrivateFiles.privateDirectory(data.getParent());
    FileLock lock = lockDataDir(home);
    try {
      stopOrphan(PostgresBinaries.unpack(home.resolve("pg-bin")), data);
    } finally {
      lock.channel().close();
    }
  }

  /**
   * Connection settings for the server a running gateway keeps on {@code dataDir} (e.g. {@code DATA_DIR/pg}),
   * read from its pid file and password file; empty when no ready server of that directory runs. For
   * commands that work beside a running gateway (a backup, a benchmark); they never start or stop it.
   */
  public static Optional<DatabaseSettings> running(Path dataDir, int poolSize) throws IOException {
    Path data = dataDir.toAbsolutePath().normalize();
    Optional<PostmasterPidFile> pidFile = PostmasterPidFile.read(data)
        .filter(f -> f.ownerAlive(data) && f.port().isPresent() && f.status().map("ready"::equals).orElse(false));
    Optional<String> password = PrivateFiles.readSecret(data.getParent().resolve(PASSWORD_FILE));
    if (pidFile.isEmpty() || password.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(settings(pidFile.get().port().getAsInt(), password.get(), poolSize));
  }

  private static LocalPostgres start(PostgresBinaries binaries, Path data, Path socketDir, Path passwordFile,
                                     int port, FileLock lock) throws IOException {
    stopOrphan(binaries, data);
    boolean newCluster = !Files.exists(data.resolve("PG_VERSION"));
    Optional<String> kept = PrivateFiles.readSecret(passwordFile);
    String password = kept.isPresent() ? kept.get() : PrivateFiles.newSecret(passwordFile);
    if (newCluster) {
      initdb(binaries, data, passwordFile);
    } else if (kept.isEmpty()) {
      // A cluster from an earlier version (trust authentication) or a lost password file: set a new password
      // in single-user mode, which needs no login and no network.
      setPassword(binaries, data, password);
    }
    writeAccessRules(data);
    int chosen = port > 0 ? port : freePort();
    Process process = startServer(binaries, data, socketDir, chosen);
    LOG.atInfo().addKeyValue("dataDir", data).addKeyValue("port", chosen).addKeyValue("newCluster", newCluster)
        .log("embedded PostgreSQL started");
    return new LocalPostgres(binaries, data, socketDir, password, chosen, process, lock);
  }

  /**
   * One gateway per {@code DATA_DIR}: the lock is held for the gateway's life and freed by the operating
   * system when its process dies, however it dies. Holding it proves that a server still running on this
   * directory was left by a dead gateway and may be stopped.
   */
  private static FileLock lockDataDir(Path home) throws IOException {
    FileChannel channel = FileChannel.open(home.resolve("gateway.lock"), StandardOpenOption.CREATE,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new DataDirInUseException("DATA_DIR " + home + " is in use by another running gateway");
    }
    return lock;
  }

  /** Another gateway (or restore) holds this {@code DATA_DIR}. */
  public static final class DataDirInUseException extends IOException {
    DataDirInUseException(String message) {
      super(message);
    }
  }

  /** Starts the server again after it died, on the same port so the gateway's pool finds it. */
  public LocalPostgres restart() throws IOException {
    stopOrphan(binaries, dataDir);
    Process again = startServer(binaries, dataDir, socketDir, port);
    LOG.atWarn().addKeyValue("dataDir", dataDir).addKeyValue("port", port).log("embedded PostgreSQL restarted");
    return new LocalPostgres(binaries, dataDir, socketDir, password, port, again, lock);
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The server's process id (tests kill it to prove the gateway notices). */
  public long pid() {
    return process.pid();
  }

  /** Completes when the server process ends, for whatever reason. */
  public CompletableFuture<Process> exited() {
    return process.onExit();
  }

  /** Connection settings for the {@code postgres} database of this server. */
  public DatabaseSettings settings(int poolSize) {
    return settings(port, password, poolSize);
  }

  private static DatabaseSettings settings(int port, String password, int poolSize) {
    return new DatabaseSettings(new PgConnectOptions().setHost("127.0.0.1").setPort(port).setDatabase("postgres")
        .setUser(USER).setPassword(password), poolSize);
  }

  /** Stops the server cleanly (a fast shutdown: sessions end, everything committed is on disk). */
  @Override
  public void close() throws IOException {
    if (process.isAlive()) {
      run(binaries.command("pg_ctl", "stop", "-D", dataDir.toString(), "-m", "fast", "-w",
          "-t", "60"), Duration.ofSeconds(70));
      try {
        process.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    lock.channel().close();
    LOG.atInfo().addKeyValue("dataDir", dataDir).log("embedded PostgreSQL stopped");
  }

  /**
   * A server still running on this directory (its gateway was killed) is stopped cleanly; a pid file
   * naming a dead or unrelated process is removed, since PostgreSQL would otherwise refuse to start when
   * the pid was reused.
   */
  private static void stopOrphan(PostgresBinaries binaries, Path data) throws IOException {
    Optional<PostmasterPidFile> pidFile = PostmasterPidFile.read(data);
    if (pidFile.isEmpty()) {
      return;
    }
    if (!pidFile.get().ownerAlive(data)) {
      LOG.atWarn().addKeyValue("pid", pidFile.get().pid()).log("removing a stale postmaster.pid left by a crash");
      Files.deleteIfExists(data.resolve(PostmasterPidFile.NAME));
      return;
    }
    long pid = pidFile.get().pid();
    LOG.atWarn().addKeyValue("pid", pid).log("stopping an embedded PostgreSQL left running by an earlier gateway");
    boolean stopped = run(binaries.command("pg_ctl", "stop", "-D", data.toString(), "-m", "fast",
        "-w", "-t", "60"), Duration.ofSeconds(70)) == 0;
    if (!stopped) {
      ProcessHandle.of(pid).ifPresent(p -> run(binaries.command("pg_ctl", "stop", "-D",
          data.toString(), "-m", "immediate", "-w", "-t", "30"), Duration.ofSeconds(40)));
    }
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, TimeUnit.SECONDS).exceptionally(e -> null).join());
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      throw new IOException("the embedded PostgreSQL left running (pid " + pid + ") did not stop");
    }
  }

  private static void initdb(PostgresBinaries binaries, Path data, Path passwordFile) throws IOException {
    Files.createDirectories(data);
    PrivateFiles.privateDirectory(data);
    int status = run(binaries.command("initdb", "-D", data.toString(), "-U", USER,
        "--pwfile=" + passwordFile, "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C", "--data-checksums"),
        Duration.ofMinutes(3));
    if (status != 0) {
      throw new IOException("initdb failed (exit " + status + "); see the log above");
    }
  }

  private static void setPassword(PostgresBinaries binaries, Path data, String password) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(binaries.command("postgres", "--single", "-D", data.toString(),
        "-j", "postgres")).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    try (var stdin = p.getOutputStream()) {
      // The password never appears on a command line (visible in ps) or in a log.
      stdin.write(("ALTER ROLE " + USER + " PASSWORD '" + password.replace("'", "''") + "';\n")
          .getBytes(StandardCharsets.UTF_8));
    }
    try {
      if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException("could not set the embedded server's password in single-user mode");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while setting the embedded server's password", e);
    }
    LOG.atWarn().log("embedded PostgreSQL: new password set; password-less local logins are now refused");
  }

  /** Only password logins (scram-sha-256), only from this machine; rewritten at every start. */
  private static void writeAccessRules(Path data) throws IOException {
    Files.writeString(data.resolve("pg_hba.conf"), """
        # Written by Kurashi Gateway at every start: only the gateway, with the password in DATA_DIR/pg-password.
        local   all   all                  scram-sha-256
        host    all   all   127.0.0.1/32   scram-sha-256
        """, StandardCharsets.UTF_8);
  }

  private static Process startServer(PostgresBinaries binaries, Path data, Path socketDir, int port)
      throws IOException {
    Path log = PrivateFiles.privateDirectory(data.getParent().resolve("pg-log")).resolve("postgres.log");
    List<String> command = new ArrayList<>(binaries.command("postgres", "-D", data.toString(),
        "-p", Integer.toString(port),
        "-c", "listen_addresses=127.0.0.1",
        "-c", "unix_socket_directories=" + socketDir,
        "-c", "unix_socket_permissions=0700",
        "-c", "max_connections=200",
        "-c", "password_encryption=scram-sha-256",
        // The server's log is ours too: an error's DETAIL (e.g. a duplicate key's value) and the failing
        // statement can quote a resident's data, so neither is written.
        "-c", "log_error_verbosity=terse",
        "-c", "log_min_error_statement=panic"));
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    long deadline = System.nanoTime() + START_LIMIT.toNanos();
    while (!ready(data, process.pid(), port)) {
      if (!process.isAlive()) {
        throw new IOException("embedded PostgreSQL exited during start (status " + process.exitValue()
            + "); its log is " + log);
      }
      if (System.nanoTime() > deadline) {
        process.destroy();
        throw new IOException("embedded PostgreSQL did not accept connections within " + START_LIMIT.toSeconds()
            + " s; its log is " + log);
      }
      sleep(100);
    }
    return process;
  }

  /**
   * True once the postmaster takes logins: its pid file says {@code ready} (an open port alone may still
   * answer "the database system is starting up" during crash recovery) and the port answers.
   */
  private static boolean ready(Path data, long pid, int port) {
    try {
      Optional<PostmasterPidFile> pidFile = PostmasterPidFile.read(data);
      if (pidFile.isEmpty() || pidFile.get().pid() != pid
          || !pidFile.get().status().map("ready"::equals).orElse(false)) {
        return false;
      }
    } catch (IOException e) {
      return false;
    }
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int run(List<String> command, Duration limit) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        return -1;
      }
      return p.exitValue();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
