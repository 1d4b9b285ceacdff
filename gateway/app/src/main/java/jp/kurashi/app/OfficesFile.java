package jp.kurashi.app;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import jp.kurashi.core.channel.Channel;
import jp.kurashi.core.channel.ChannelSetup;
import jp.kurashi.core.config.ConfigException;
import jp.kurashi.core.config.ConfigSource;
import jp.kurashi.core.office.OfficeProfileJson;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code OFFICES_FILE}: the offices one deployment serves, each with its profile and its channels' own settings.
 *
 * <pre>{@code
 * {"offices": [
 *   {"code": "suita",
 *    "profile": {"name": {"ja": "吹田市くらしの相談窓口", "en": "Suita"}, "phone": "06-0000-0000"},
 *    "channels": {
 *      "<channel code>": {"<the channel's setting>": "value", "<its secret>": {"env": "SUITA_SECRET"}},
 *      "<another channel>": {}}}]}
 * }</pre>
 *
 * <p>A profile is the shipped one with the office's fields over it (same fields as {@code OFFICE_PROFILE_FILE}).
 * A channel is on for an office only when the office lists it; its object holds the channel's own settings by
 * their usual names, over the deployment's settings (so shared tuning such as {@code MAIL_POLL_SECONDS} can stay in
 * the environment). A value is a string, a number, a boolean, or {@code {"env": "NAME"}}: the value of setting
 * {@code NAME}, so secrets need not be written into the file. Every mistake is one {@link ConfigException}.
 */
final class OfficesFile {

  private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  private OfficesFile() {
  }

  static List<OfficeConfig> read(ConfigSource src, String file, List<Channel> installed) {
    String text;
    try {
      text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("OFFICES_FILE cannot be read: " + file);
    }
    JsonArray offices;
    try {
      offices = new JsonObject(text).getJsonArray("offices");
    } catch (DecodeException | ClassCastException e) {
      throw new ConfigException("OFFICES_FILE is not valid JSON of the form {\"offices\": [...]}: " + file);
    }
    if (offices == null || offices.isEmpty()) {
      throw new ConfigException("OFFICES_FILE must list at least one office under \"offices\": " + file);
    }
    JsonObject shipped = shippedProfile();
    List<OfficeConfig> out = new ArrayList<>();
    Map<String, String> accountOwners = new HashMap<>();
    for (int i = 0; i < offices.size(); i++) {
      if (!(offices.getValue(i) instanceof JsonObject office)) {
        throw new ConfigException("OFFICES_FILE: offices[" + i + "] must be an object");
      }
      String code = code(office, i);
      if (out.stream().anyMatch(o -> o.code().equals(code))) {
        throw new ConfigException("OFFICES_FILE: office code \"" + code + "\" is listed twice");
      }
      String where = "OFFICES_FILE: office " + code + ": ";
      List<ChannelSetup> channels = channels(src, office, installed, where);
      for (ChannelSetup setup : channels) {
        Optional<String> account = setup.account();
        if (account.isPresent()) {
          String owner = accountOwners.putIfAbsent(setup.name() + "\u0000" + account.get(), code);
          if (owner != null) {
            throw new ConfigException("OFFICES_FILE: offices " + owner + " and " + code + " use the same " + setup.name()
                + " account; each office needs its own");
          }
        }
      }
      out.add(new OfficeConfig(code, profile(shipped, office, where), channels));
    }
    return out;
  }

  private static String code(JsonObject office, int index) {
    if (!(office.getValue("code") instanceof String code) || !CODE.matcher(code).matches()) {
      throw new ConfigException("OFFICES_FILE: offices[" + index + "].code must be lower-case letters, digits and"
          + " hyphens, starting with a letter (at most 32), got " + shown(office.getValue("code")));
    }
    return code;
  }

  private static String shown(Object value) {
    return value == null ? "nothing" : "\"" + value + "\"";
  }

  private static JsonObject shippedProfile() {
    try (InputStream in = OfficeProfileJson.class.getResourceAsStream("/office-profile.json")) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static jp.kurashi.core.office.OfficeProfile profile(JsonObject shipped, JsonObject office, String where) {
    Object given = office.getValue("profile", new JsonObject());
    if (!(given instanceof JsonObject own)) {
      throw new ConfigException(where + "profile must be an object (the fields of OFFICE_PROFILE_FILE)");
    }
    JsonObject merged = shipped.copy().mergeIn(own);
    try {
      return OfficeProfileJson.parse(merged);
    } catch (IllegalArgumentException | ClassCastException e) {
      throw new ConfigException(where + "profile: " + e.getMessage());
    }
  }

  private static List<ChannelSetup> channels(ConfigSource src, JsonObject office, List<Channel> installed,
                                             String where) {
    Object given = office.getValue("channels", new JsonObject());
    if (!(given instanceof JsonObject listed)) {
      throw new ConfigException(where + "channels must be an object such as {\"webchat\": {}}");
    }
    Map<String, Channel> byName = new LinkedHashMap<>();
    installed.forEach(c -> byName.put(c.name(), c));
    for (String name : listed.fieldNames()) {
      if (!byName.containsKey(name)) {
        throw new ConfigException(where + "channels." + name + " is not an installed channel (installed: "
            + String.join(", ", byName.keySet()) + ")");
      }
    }
    List<ChannelSetup> setups = new ArrayList<>();
    for (Channel channel : installed) {
      if (!listed.containsKey(channel.name())) {
        continue;
      }
      if (!(listed.getValue(channel.name()) instanceof JsonObject settings)) {
        throw new ConfigException(where + "channels." + channel.name() + " must be an object of settings");
      }
      ConfigSource own = src.over(values(src, settings, where + "channels." + channel.name() + "."));
      Optional<ChannelSetup> setup;
      try {
        setup = channel.configure(own);
      } catch (ConfigException e) {
        throw new ConfigException(where + "channels." + channel.name() + ": " + e.getMessage());
      }
      setups.add(setup.orElseThrow(() -> new ConfigException(where + "channels." + channel.name()
          + " does not switch " + channel.name() + " on: its settings are missing (see the README's settings table)")));
    }
    return setups;
  }

  private static Map<String, String> values(ConfigSource src, JsonObject settings, String where) {
    Map<String, String> out = new HashMap<>();
    for (Map.Entry<String, Object> e : settings) {
      Object v = e.getValue();
      if (v instanceof String || v instanceof Number || v instanceof Boolean) {
        out.put(e.getKey(), v.toString());
      } else if (v instanceof JsonObject ref && ref.getValue("env") instanceof String name && ref.size() == 1) {
        out.put(e.getKey(), src.optional(name).orElseThrow(() -> new ConfigException(where + e.getKey()
            + " names setting " + name + ", which is not set")));
      } else {
        throw new ConfigException(where + e.getKey() + " must be a string, a number, true/false or {\"env\": \"NAME\"}");
      }
    }
    return out;
  }
}
