package jp.kurashi.core.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Settings by name: environment variables first, then an optional properties file (UTF-8,
 * same names) named by {@code GATEWAY_CONFIG_FILE}. Typed getters name the setting in every error.
 */
public final class ConfigSource {

  /**
   * Names of settings whose values must never be repeated in an error or a log: these, and every name ending in
   * _SECRET, _TOKEN or _PASSWORD (so a channel's own secrets need no entry here).
   */
  private static final Set<String> SECRET = Set.of("DATABASE_URL", "REDIS_URL");

  private final Map<String, String> values;

  ConfigSource(Map<String, String> values) {
    this.values = Map.copyOf(values);
  }

  /** The process environment, over the file it names (if any). */
  public static ConfigSource fromEnvironment() {
    return of(System.getenv());
  }

  /** These variables, over the file they name (if any). */
  public static ConfigSource of(Map<String, String> env) {
    Map<String, String> merged = new HashMap<>();
    String file = env.get("GATEWAY_CONFIG_FILE");
    if (file != null && !file.isBlank()) {
      merged.putAll(readFile(Path.of(file)));
    }
    env.forEach((k, v) -> {
      if (v != null) {
        merged.put(k, v);
      }
    });
    return new ConfigSource(merged);
  }

  /**
   * These settings over this source's: how one office's own settings (its LINE channel, its mailbox) reach a channel
   * plug-in's {@code configure}, with the deployment's shared settings (time-outs, quotas) underneath.
   */
  public ConfigSource over(Map<String, String> settings) {
    Map<String, String> merged = new HashMap<>(values);
    merged.putAll(settings);
    return new ConfigSource(merged);
  }

  /** These settings alone, with nothing underneath. */
  public static ConfigSource only(Map<String, String> settings) {
    return new ConfigSource(settings);
  }

  /** Whether {@code name} holds a secret, whose value is never shown in an error or a log. */
  public static boolean secret(String name) {
    return SECRET.contains(name) || name.endsWith("_SECRET") || name.endsWith("_TOKEN") || name.endsWith("_PASSWORD");
  }

  private static Map<String, String> readFile(Path path) {
    Properties props = new Properties();
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      props.load(reader);
    } catch (IOException e) {
      throw new ConfigException("GATEWAY_CONFIG_FILE cannot be read: " + path);
    }
    Map<String, String> out = new HashMap<>();
    props.forEach((k, v) -> out.put(k.toString().trim(), v.toString().trim()));
    return out;
  }

  /** The value, or empty when unset or blank. */
  public Optional<String> optional(String name) {
    String v = values.get(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  public String string(String name, String fallback) {
    return optional(name).orElse(fallback);
  }

  public int integer(String name, int fallback, int min, int max) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    try {
      int v = Integer.parseInt(raw.get());
      if (v >= min && v <= max) {
        return v;
      }
    } catch (NumberFormatException ignored) {
      // reported below
    }
    throw new ConfigException(name + " must be a whole number from " + min + " to " + max + ", got " + shown(name, raw.get()));
  }

  public Duration millis(String name, long fallback, long min, long max) {
    return Duration.ofMillis(integer(name, (int) fallback, (int) min, (int) max));
  }

  public boolean bool(String name, boolean fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    return switch (raw.get().toLowerCase(java.util.Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw new ConfigException(name + " must be true or false, got " + shown(name, raw.get()));
    };
  }

  /** An http(s) URL. */
  public java.net.URI uri(String name, java.net.URI fallback) {
    Optional<String> raw = optional(name);
    if (raw.isEmpty()) {
      return fallback;
    }
    String v = raw.get().endsWith("/") ? raw.get() : raw.get() + "/";
    try {
      java.net.URI uri = new java.net.URI(v);
      if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
        return uri;
      }
    } catch (java.net.URISyntaxException ignored) {
      // reported below
    }
    throw new ConfigException(name + " must be an http:// or https:// URL, got " + shown(name, raw.get()));
  }

  /** One of {@code allowed}. */
  public String choice(String name, String fallback, Set<String> allowed) {
    String v = string(name, fallback);
    if (!allowed.contains(v)) {
      throw new ConfigException(name + " must be one of " + String.join(", ", allowed.stream().sorted().toList())
          + ", got " + shown(name, v));
    }
    return v;
  }

  static String shown(String name, String value) {
    return secret(name) ? "(a value that is not shown)" : "\"" + value + "\"";
  }
}
