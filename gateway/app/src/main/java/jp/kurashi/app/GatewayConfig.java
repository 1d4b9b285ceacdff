package jp.kurashi.app;

import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.config.ConfigException;

import jp.kurashi.core.channel.Channel;
import jp.kurashi.core.channel.ChannelRetention;
import jp.kurashi.core.channel.ChannelSetup;
import jp.kurashi.core.channel.Channels;
import jp.kurashi.console.ConsoleSettings;
import jp.kurashi.core.domain.Role;
import jp.kurashi.core.outbox.OutboxSettings;
import jp.kurashi.core.security.ClientAddress;
import jp.kurashi.core.security.PasswordPolicy;
import jp.kurashi.core.outbox.RetryPolicy;
import jp.kurashi.core.retention.RetentionSettings;
import jp.kurashi.core.store.DatabaseSettings;
import jp.kurashi.app.warmup.WarmUpSettings;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import jp.kurashi.core.office.LocalizedText;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.office.OfficeProfileJson;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Every setting the gateway reads, typed and checked at start-up. The README's table lists them.
 *
 * @param database      {@code DATABASE_URL}; empty means the embedded server under {@code DATA_DIR/pg}
 * @param redisUrl      {@code REDIS_URL}; empty means the in-process bus (one instance only)
 * @param adminPassword {@code GATEWAY_ADMIN_PASSWORD} for the first account (never a known default); empty means
 *                      generate one into {@code DATA_DIR/initial-admin-password}
 * @param databaseUnsafeFast {@code DATABASE_UNSAFE_FAST}: accept a database with fsync, synchronous commit or
 *                      full-page writes off (test servers only; a crash then loses acknowledged messages)
 * @param channels      the installed channels their own settings switched on ({@link Channel#configure}), in position order
 * @param clientAddress {@code TRUSTED_PROXIES}: whose X-Forwarded-For and X-Forwarded-Proto count
 * @param retention     {@code RETENTION_YEARS}, {@code AUDIT_RETENTION_YEARS}
 * @param channelRetention what each installed channel erases of its own tables (switched on or not), by channel code,
 *                      from its own settings ({@code MAIL_RAW_KEEP_DAYS})
 * @param metrics       {@code METRICS_TOKEN}, {@code METRICS_PORT}, {@code METRICS_HOST}: who may read {@code /metrics}
 *                      and where it is served
 * @param triageWarmUpMessages {@code TRIAGE_WARMUP_MESSAGES}: shipped corpus texts triaged before the gateway listens,
 *                      so the JIT compiler has compiled the analyser before the first resident writes
 * @param warmUp        {@code STARTUP_WARMUP_MESSAGES}, {@code STARTUP_WARMUP_SECONDS}: the message path run on a scratch
 *                      gateway before this one listens ({@link jp.kurashi.app.warmup.StartupWarmUp})
 * @param officeCode    {@code OFFICE_CODE}, or the first office of {@code OFFICES_FILE}
 * @param office        {@code OFFICE_PROFILE_FILE}, or the first office's profile of {@code OFFICES_FILE}
 * @param offices       every office served: the one office above without {@code OFFICES_FILE}, else the file's
 * @param officePaths   whether each office's public paths carry its code ({@code /webhook/line/suita}): with
 *                      {@code OFFICES_FILE}; without it the paths of one office ({@code /webhook/line}, {@code /chat})
 */
public record GatewayConfig(
    String httpHost,
    int httpPort,
    int httpInstances,
    Path dataDir,
    Optional<DatabaseSettings> database,
    int databasePoolSize,
    int embeddedDatabasePort,
    boolean databaseUnsafeFast,
    Optional<String> redisUrl,
    Optional<String> adminPassword,
    String officeCode,
    OfficeProfile office,
    OutboxSettings outbox,
    ConsoleSettings console,
    List<ChannelSetup> channels,
    Duration shutdownGrace,
    ClientAddress clientAddress,
    RetentionSettings retention,
    Map<String, ChannelRetention> channelRetention,
    MetricsSettings metrics,
    int triageWarmUpMessages,
    WarmUpSettings warmUp,
    List<OfficeConfig> offices,
    boolean officePaths) {

  /** The desk's profile from {@code OFFICE_PROFILE_FILE}, else the shipped one; {@code OFFICE_NAME} renames it. */
  private static OfficeProfile officeProfile(ConfigSource src) {
    OfficeProfile profile;
    Optional<String> file = src.optional("OFFICE_PROFILE_FILE");
    if (file.isPresent()) {
      String json;
      try {
        json = Files.readString(Path.of(file.get()), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new ConfigException("OFFICE_PROFILE_FILE cannot be read: " + file.get());
      }
      try {
        profile = OfficeProfileJson.parse(new JsonObject(json));
      } catch (DecodeException e) {
        throw new ConfigException("OFFICE_PROFILE_FILE is not valid JSON: " + file.get());
      } catch (IllegalArgumentException e) {
        throw new ConfigException("OFFICE_PROFILE_FILE: " + e.getMessage());
      }
    } else {
      profile = OfficeProfileJson.defaults();
    }
    Optional<String> name = src.optional("OFFICE_NAME");
    if (name.isEmpty()) {
      return profile;
    }
    Map<String, String> names = new HashMap<>(profile.name().byLanguage());
    names.put("ja", name.get());
    return profile.withName(new LocalizedText(names));
  }

  /**
   * The settings of a scratch gateway for {@link jp.kurashi.app.warmup.StartupWarmUp}: this desk's first office (its profile, texts and
   * hours) with only {@code webchat} switched on, its own embedded database in {@code dataDir}, loopback on any free
   * port, no Redis, no metrics server and no warm-up of its own. Nothing in it reaches the desk's database, its
   * other channels or another instance.
   */
  public GatewayConfig scratch(Path scratchDir, String adminPassword, ChannelSetup webchat) {
    OfficeConfig office = new OfficeConfig(officeCode, this.office, List.of(webchat));
    return new GatewayConfig("127.0.0.1", 0, httpInstances, scratchDir, Optional.empty(), databasePoolSize, 0, false,
        Optional.empty(), Optional.of(adminPassword), officeCode, this.office, outbox, console, List.of(webchat),
        Duration.ofSeconds(1), ClientAddress.direct(), retention, channelRetention,
        new MetricsSettings(Optional.empty(), java.util.OptionalInt.empty(), "127.0.0.1"), triageWarmUpMessages,
        WarmUpSettings.OFF, List.of(office), false);
  }

  /** Reads and checks every setting; the first bad one is a {@link ConfigException}. */
  public static GatewayConfig load(ConfigSource src) {
    int poolSize = src.integer("DATABASE_POOL_SIZE", 16, 1, 500);
    Optional<DatabaseSettings> database = src.optional("DATABASE_URL").map(url -> {
      try {
        return DatabaseSettings.fromUrl(url, poolSize);
      } catch (IllegalArgumentException e) {
        throw new ConfigException("DATABASE_URL must look like postgresql://user:password@host:5432/database");
      }
    });
    Optional<String> redis = src.optional("REDIS_URL");
    redis.ifPresent(url -> {
      if (!url.startsWith("redis://") && !url.startsWith("rediss://")) {
        throw new ConfigException("REDIS_URL must start with redis:// or rediss://");
      }
    });
    Optional<String> adminPassword = src.optional("GATEWAY_ADMIN_PASSWORD");
    // A known default (the old compose file shipped one) would be the first thing an attacker tries.
    adminPassword.flatMap(pw -> PasswordPolicy.problem(pw, "admin")).ifPresent(why -> {
      throw new ConfigException("GATEWAY_ADMIN_PASSWORD " + why + ": choose a long, unique password, or leave it "
          + "unset to have one generated into DATA_DIR/initial-admin-password");
    });

    Duration sendTimeout = src.millis("OUTBOX_SEND_TIMEOUT_MS", 30_000, 100, 300_000);
    Duration initialDelay = src.millis("OUTBOX_INITIAL_DELAY_MS", 2_000, 1, 3_600_000);
    Duration maxDelay = src.millis("OUTBOX_MAX_DELAY_MS", 600_000, 1, 86_400_000);
    if (maxDelay.compareTo(initialDelay) < 0) {
      throw new ConfigException("OUTBOX_MAX_DELAY_MS must not be below OUTBOX_INITIAL_DELAY_MS");
    }
    OutboxSettings outbox = new OutboxSettings(
        src.integer("OUTBOX_BATCH_SIZE", 32, 1, 1000),
        src.millis("OUTBOX_POLL_MS", 1_000, 10, 600_000),
        sendTimeout.multipliedBy(4),
        sendTimeout,
        new RetryPolicy(src.integer("OUTBOX_MAX_ATTEMPTS", 8, 1, 100), initialDelay, maxDelay));

    ConsoleSettings console = new ConsoleSettings(
        Duration.ofMinutes(src.integer("SESSION_TTL_MINUTES", 480, 5, 7 * 24 * 60)),
        Duration.ofMinutes(src.integer("SESSION_IDLE_MINUTES", 30, 1, 24 * 60)),
        src.choice("COOKIE_SECURE", "auto", Set.of("auto", "always", "never")),
        src.integer("REPLY_MAX_LENGTH", 10_000, 100, 100_000),
        src.integer("LOGIN_MAX_PER_MINUTE", 20, 1, 100_000),
        src.integer("SSE_MAX_STREAMS_PER_SESSION", 4, 1, 100),
        Duration.ofSeconds(src.integer("SSE_SESSION_CHECK_SECONDS", 30, 1, 600)),
        requireTotpRoles(src));
    int httpPort = src.integer("HTTP_PORT", 8080, 0, 65535);

    Optional<String> officesFile = src.optional("OFFICES_FILE");
    List<OfficeConfig> offices;
    if (officesFile.isPresent()) {
      for (String single : List.of("OFFICE_CODE", "OFFICE_PROFILE_FILE", "OFFICE_NAME")) {
        if (src.optional(single).isPresent()) {
          throw new ConfigException("set either OFFICES_FILE or " + single + ", not both: with OFFICES_FILE every "
              + "office's code and profile are in the file");
        }
      }
      offices = OfficesFile.read(src, officesFile.get(), Channels.installed());
    } else {
      offices = List.of(new OfficeConfig(src.string("OFFICE_CODE", "default"), officeProfile(src), channels(src)));
    }

    return new GatewayConfig(
        src.string("HTTP_HOST", "0.0.0.0"),
        httpPort,
        src.integer("HTTP_INSTANCES", Math.max(1, Runtime.getRuntime().availableProcessors()), 1, 64),
        Path.of(src.string("DATA_DIR", "./data")),
        database,
        poolSize,
        src.integer("EMBEDDED_DB_PORT", 0, 0, 65535),
        src.bool("DATABASE_UNSAFE_FAST", false),
        redis,
        adminPassword,
        offices.get(0).code(),
        offices.get(0).profile(),
        outbox,
        console,
        offices.get(0).channels(),
        Duration.ofSeconds(src.integer("SHUTDOWN_GRACE_SECONDS", 8, 1, 60)),
        trustedProxies(src),
        retention(src),
        channelRetention(src),
        MetricsSettings.load(src, httpPort),
        src.integer("TRIAGE_WARMUP_MESSAGES", 1, 1, 100_000),
        WarmUpSettings.load(src),
        offices,
        officesFile.isPresent());
  }

  /** Comma- or space-separated addresses or CIDR blocks of the load balancers in front of the gateway. */
  private static ClientAddress trustedProxies(ConfigSource src) {
    String raw = src.string("TRUSTED_PROXIES", "").trim();
    try {
      return raw.isEmpty() ? ClientAddress.direct() : ClientAddress.trusting(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("TRUSTED_PROXIES must be IP addresses or CIDR blocks such as 10.0.0.0/8, separated by"
          + " commas or spaces (" + e.getMessage() + ")");
    }
  }

  /** What the privacy notice promises: cases erased RETENTION_YEARS after closing, the audit log kept longer. */
  private static RetentionSettings retention(ConfigSource src) {
    RetentionSettings defaults = RetentionSettings.defaults();
    int years = src.integer("RETENTION_YEARS", defaults.caseYears(), 1, 100);
    int auditYears = src.integer("AUDIT_RETENTION_YEARS", Math.max(defaults.auditYears(), years * 2), 2, 200);
    if (auditYears <= years) {
      throw new ConfigException("AUDIT_RETENTION_YEARS (" + auditYears + ") must be more than RETENTION_YEARS ("
          + years + "): the record of who read a case must outlive the case");
    }
    return new RetentionSettings(years, auditYears, defaults.batchSize(), defaults.firstRun(),
        defaults.interval());
  }

  /** {@code REQUIRE_TOTP_ROLES}: comma-separated role codes such as {@code chief,admin}; empty means none. */
  private static Set<Role> requireTotpRoles(ConfigSource src) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String code : src.string("REQUIRE_TOTP_ROLES", "").split(",")) {
      if (code.isBlank()) {
        continue;
      }
      try {
        roles.add(Role.fromCode(code.strip().toLowerCase(java.util.Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("REQUIRE_TOTP_ROLES must be a comma-separated list of "
            + java.util.Arrays.stream(Role.values()).map(Role::code).collect(java.util.stream.Collectors.joining(", "))
            + ", got \""
            + code.strip() + "\"");
      }
    }
    return roles;
  }

  /**
   * Each installed channel's part of retention, switched on or not, from the deployment's settings (retention runs
   * once for the deployment, not per office).
   */
  private static Map<String, ChannelRetention> channelRetention(ConfigSource src) {
    Map<String, ChannelRetention> retention = new java.util.LinkedHashMap<>();
    Channels.installed().forEach(channel -> channel.retention(src).ifPresent(r -> retention.put(channel.name(), r)));
    return java.util.Collections.unmodifiableMap(retention);
  }

  /** Each installed channel reads its own settings; those they leave off are not in the list. */
  private static List<ChannelSetup> channels(ConfigSource src) {
    return Channels.installed().stream().flatMap(channel -> channel.configure(src).stream()).toList();
  }

  /** The switched-on channel named {@code name}, if any. */
  public Optional<ChannelSetup> channel(String name) {
    return channels.stream().filter(c -> c.name().equals(name)).findFirst();
  }
}
