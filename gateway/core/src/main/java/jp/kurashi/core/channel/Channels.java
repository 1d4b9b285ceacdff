package jp.kurashi.core.channel;

import jp.kurashi.core.office.LocalizedText;

import java.util.LinkedHashMap;
import java.util.Map;

import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The channel plug-ins on the classpath, found with {@link ServiceLoader}, in {@link Channel#position()} order so start-up, migrations and
 * reports do not depend on the classpath's order.
 */
public final class Channels {

  private Channels() {
  }

  /** Every installed channel, switched on or not. */
  public static List<Channel> installed() {
    List<Channel> found = ServiceLoader.load(Channel.class).stream().map(ServiceLoader.Provider::get)
        .sorted(Comparator.comparingInt(Channel::position).thenComparing(Channel::name)).toList();
    long distinct = found.stream().map(Channel::name).distinct().count();
    if (distinct != found.size()) {
      throw new IllegalStateException("two channel plug-ins share a name: " + found.stream().map(Channel::name).toList());
    }
    return found;
  }

  /** The codes of every installed channel (the report's channel columns). */
  public static List<String> names() {
    return installed().stream().map(Channel::name).toList();
  }

  /** What staff call each installed channel, by code, in position order. */
  public static Map<String, LocalizedText> labels() {
    Map<String, LocalizedText> labels = new LinkedHashMap<>();
    installed().forEach(c -> labels.put(c.name(), c.label()));
    return labels;
  }

  /** Flyway locations of every installed channel's migrations. */
  public static List<String> migrations() {
    return installed().stream().map(Channel::migrations).toList();
  }
}
