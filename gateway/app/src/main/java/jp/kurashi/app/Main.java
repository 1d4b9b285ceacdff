package jp.kurashi.app;

import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.config.ConfigException;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import jp.kurashi.app.backup.BackupCli;
import jp.kurashi.connectors.mail.LenientMime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * {@code java -jar gateway.jar}: reads the settings, starts the gateway, and on SIGTERM or
 * SIGINT (also during the start) stops it gracefully and exits 0. A bad setting exits 2 with one line naming it.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);
  static final int EXIT_BAD_CONFIG = 2;
  static final int EXIT_START_FAILED = 1;
  /** The embedded database could not be kept running; a supervisor should restart the gateway. */
  static final int EXIT_DEPENDENCY_LOST = 3;
  /** Asked to stop, it could not finish within its limits: what was committed is kept, but look at the log. */
  static final int EXIT_STOP_UNCLEAN = 4;
  private static final Duration VERTX_CLOSE_LIMIT = Duration.ofSeconds(10);

  private Main() {
  }

  public static void main(String[] args) {
    // Before any mail class loads: Jakarta Mail reads some of these once per JVM.
    LenientMime.apply();
    if (args.length > 0 && args[0].equals("triage")) {
      System.exit(TriageCli.run(java.util.List.of(args), System.in, System.out, System.err));
      return;
    }
    if (args.length > 0 && (args[0].equals("backup") || args[0].equals("restore"))) {
      System.exit(BackupCli.run(java.util.List.of(args), System.getenv(), Clock.systemUTC(),
          System.out, System.err));
      return;
    }
    GatewayConfig config;
    try {
      config = GatewayConfig.load(ConfigSource.fromEnvironment());
    } catch (ConfigException e) {
      System.err.println("kurashi-gateway: " + e.getMessage());
      System.exit(EXIT_BAD_CONFIG);
      return;
    }

    // Handled from the first moment: a SIGTERM during the start (its warm-up takes half a minute) cuts the start short
    // and stops what it started, instead of the JVM's default exit that would leave the embedded servers running.
    Promise<Void> stopRequested = Promise.promise();
    Signal.handle(new Signal("TERM"), sig -> stopRequested.tryComplete());
    Signal.handle(new Signal("INT"), sig -> stopRequested.tryComplete());
    Vertx vertx = Vertx.vertx();
    Gateway gateway;
    try {
      gateway = Gateway.start(vertx, config, System.out, Clock.systemUTC(), stopRequested.future())
          .await(5, TimeUnit.MINUTES);
    } catch (Exception e) {
      if (stoppedOnRequest(e)) {
        LOG.atInfo().log("stopped during the start, as asked");
        vertx.close();
        System.exit(0);
        return;
      }
      String reason = e instanceof ConfigException ? e.getMessage() : describe(e);
      System.err.println("kurashi-gateway: could not start: " + reason);
      LOG.atError().addKeyValue("error", e.toString()).log("start failed");
      vertx.close();
      System.exit(e instanceof ConfigException ? EXIT_BAD_CONFIG : EXIT_START_FAILED);
      return;
    }
    System.out.println("Kurashi Gateway is listening on http://localhost:" + gateway.httpPort() + "/");
    gateway.fatal().onFailure(err -> {
      System.err.println("kurashi-gateway: stopping: " + err.getMessage());
      LOG.atError().addKeyValue("error", err.toString()).log("cannot go on; exiting for the supervisor to restart");
      System.exit(EXIT_DEPENDENCY_LOST);
    });
    // The grace twice: once for HTTP's in-flight requests, once for the after-commit work then running.
    installShutdown(vertx, gateway, stopRequested.future(), config.shutdownGrace().multipliedBy(2).plusSeconds(1));
  }

  /**
   * The JVM's default for SIGTERM runs shutdown hooks and exits 143; an orchestrator reads that
   * as a crash. Handling the signal ourselves lets a clean stop exit 0.
   */
  private static void installShutdown(Vertx vertx, Gateway gateway, Future<Void> stopRequested, Duration limit) {
    Runnable stop = () -> {
      LOG.atInfo().log("stopping");
      long began = System.currentTimeMillis();
      int status = 0;
      try {
        gateway.stop().await(limit.toMillis(), TimeUnit.MILLISECONDS);
        // Everything is committed and the database stopped by now; closing Vert.x only ends its threads, ~0.1 s on a
        // quiet machine. A gateway stopped beside the suite's crash test exited 1 with 2 s here (the likelier of the two
        // limits to pass on a busy machine; the log line now says after how long).
        vertx.close().await(VERTX_CLOSE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        LOG.atWarn().addKeyValue("error", e.toString()).addKeyValue("afterMillis", System.currentTimeMillis() - began)
            .log("did not stop cleanly in time");
        status = EXIT_STOP_UNCLEAN;
      }
      LOG.atInfo().addKeyValue("exitStatus", status).log("stopped");
      System.exit(status);
    };
    // Not on the signal's thread, which the JVM needs free; once, however many signals come.
    stopRequested.onComplete(x -> new Thread(stop, "gateway-stop").start());
  }

  private static boolean stoppedOnRequest(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof StopRequestedException) {
        return true;
      }
    }
    return false;
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
