package jp.kurashi.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import jp.kurashi.app.embedded.LocalPostgres;
import jp.kurashi.core.store.Durability;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark runs against: the desk open or closed (closed means every new case also gets the
 * out-of-hours notice) and the embedded default or an external server. Both are named on the command line,
 * {@code --hours=open|closed --database=embedded|postgresql://...}, and printed with the server's own
 * durability settings, so a figure always says what it was measured on.
 *
 * @param hours     {@code open} or {@code closed}
 * @param database  {@code embedded} or a {@code postgresql://} URL
 * @param warmup    {@code --warmup}: run the load once unmeasured first, so the figures are a warm JVM's
 * @param restart   {@code --restart}: run the load once on a first gateway, then measure a new (cold) gateway JVM
 *                  on the same data directory, as a desk's restart on a long-used server
 * @param positional the remaining arguments, in order
 */
record BenchTarget(String hours, String database, boolean warmup, boolean restart, List<String> positional) {

  /** Reads {@code --hours=} and {@code --database=} from {@code args}; defaults: closed, embedded. */
  static BenchTarget parse(String[] args) {
    String hours = "closed";
    String database = "embedded";
    boolean warmup = false;
    boolean restart = false;
    List<String> rest = new ArrayList<>();
    for (String a : args) {
      if (a.equals("--warmup")) {
        warmup = true;
      } else if (a.equals("--restart")) {
        restart = true;
      } else if (a.startsWith("--hours=")) {
        hours = a.substring("--hours=".length());
        if (!hours.equals("open") && !hours.equals("closed")) {
          throw new IllegalArgumentException("--hours must be open or closed");
        }
      } else if (a.startsWith("--database=")) {
        database = a.substring("--database=".length());
      } else {
        rest.add(a);
      }
    }
    return new BenchTarget(hours, database, warmup, restart, List.copyOf(rest));
  }

  int intArg(int index, int fallback) {
    return positional.size() > index ? Integer.parseInt(positional.get(index)) : fallback;
  }

  String stringArg(int index, String fallback) {
    return positional.size() > index ? positional.get(index) : fallback;
  }

  boolean embedded() {
    return database.equals("embedded");
  }

  /**
   * Settings for the gateway process: an office profile whose hours make the desk always open or always
   * closed (the gateway itself runs on the system clock, as in production), and the database.
   */
  Map<String, String> gatewayEnv(Path dir) throws IOException {
    Map<String, String> env = new HashMap<>();
    JsonObject profile;
    try (InputStream in = BenchTarget.class.getResourceAsStream("/office-profile.json")) {
      profile = new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    JsonObject weekly = new JsonObject();
    if (hours.equals("open")) {
      for (String day : List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")) {
        weekly.put(day, new JsonArray().add("00:00-23:59"));
      }
    }
    JsonObject h = profile.getJsonObject("hours").put("weekly", weekly).put("closedOnNationalHolidays", false)
        .put("closedDates", new JsonArray());
    h.remove("yearEnd");
    Path file = dir.resolve("office-profile-" + hours + ".json");
    Files.writeString(file, profile.encodePrettily(), StandardCharsets.UTF_8);
    env.put("OFFICE_PROFILE_FILE", file.toString());
    // The load comes from one address (127.0.0.1): the per-address quotas are not what is being measured.
    env.put("WEBCHAT_SESSIONS_PER_HOUR_PER_ADDRESS", "1000000");
    env.put("WEBCHAT_MESSAGES_PER_MINUTE_PER_ADDRESS", "1000000");
    env.put("WEBCHAT_UPLOADS_PER_HOUR_PER_ADDRESS", "1000000");
    if (!embedded()) {
      env.put("DATABASE_URL", database);
      // An external server may be set up non-durable on purpose, to measure what durability costs; the run
      // prints the server's own settings, so no figure can pass for durable when it was not.
      env.put("DATABASE_UNSAFE_FAST", "true");
    }
    return env;
  }

  /** Connection options for the server the gateway in {@code dataDir} uses. */
  PgConnectOptions connectOptions(Path dataDir) throws IOException {
    if (!embedded()) {
      return PgConnectOptions.fromUri(database);
    }
    return LocalPostgres.running(dataDir.resolve("pg"), 1)
        .orElseThrow(() -> new IOException("no running embedded server under " + dataDir)).connect();
  }

  /**
   * Prints what the run is measured on, the server's durability settings included, and returns them.
   *
   * @param desk whether a gateway (with its office hours) is under test, or only the pipeline and the database
   */
  Durability describe(Vertx vertx, PgConnectOptions connect, boolean desk) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(connect).using(vertx).build();
    try {
      Durability d = Durability.of(pool).await();
      System.out.printf("%sdatabase %s: fsync=%s synchronous_commit=%s full_page_writes=%s%n",
          desk ? "desk " + hours + "; " : "", embedded() ? "embedded (DATA_DIR/pg)" : connect.getHost() + ":" + connect.getPort(),
          d.fsync(), d.synchronousCommit(), d.fullPageWrites());
      return d;
    } finally {
      pool.close().await();
    }
  }
}
