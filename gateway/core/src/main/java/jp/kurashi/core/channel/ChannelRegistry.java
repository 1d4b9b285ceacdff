package jp.kurashi.core.channel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The connectors this gateway instance runs, registered explicitly at start-up: one per channel, or, when one
 * deployment serves several offices, one per office and channel (each office has its own LINE channel, mailbox…).
 */
public final class ChannelRegistry {

  /** The key of a connector registered for every office. */
  private static final long ANY_OFFICE = -1;

  private final Map<Key, ChannelConnector> connectors = new LinkedHashMap<>();

  private record Key(long officeId, String channel) {
  }

  /** Adds a connector that carries the channel's replies of every office; registering one channel twice is a wiring bug. */
  public ChannelRegistry register(ChannelConnector connector) {
    return put(new Key(ANY_OFFICE, connector.channel()), connector);
  }

  /** Adds office {@code officeId}'s connector of its channel. */
  public ChannelRegistry register(long officeId, ChannelConnector connector) {
    return put(new Key(officeId, connector.channel()), connector);
  }

  private ChannelRegistry put(Key key, ChannelConnector connector) {
    if (connectors.putIfAbsent(key, connector) != null) {
      throw new IllegalStateException("channel registered twice: " + connector.channel()
          + (key.officeId() == ANY_OFFICE ? "" : " of office " + key.officeId()));
    }
    return this;
  }

  /** The connector carrying office {@code officeId}'s replies on {@code channel}. */
  public Optional<ChannelConnector> find(long officeId, String channel) {
    ChannelConnector own = connectors.get(new Key(officeId, channel));
    return own != null ? Optional.of(own) : Optional.ofNullable(connectors.get(new Key(ANY_OFFICE, channel)));
  }

  /** The connector of {@code channel}: the first registered when several offices have one. */
  public Optional<ChannelConnector> find(String channel) {
    return connectors.entrySet().stream().filter(e -> e.getKey().channel().equals(channel))
        .map(Map.Entry::getValue).findFirst();
  }

  /** Every registered connector, in registration order. */
  public java.util.Collection<ChannelConnector> connectors() {
    return List.copyOf(new ArrayList<>(connectors.values()));
  }

  /**
   * Every connector by a name for health reports: the channel's code, with {@code @officeId} where several offices
   * have the channel (so one office's LINE channel being down is not hidden by another's being up).
   */
  public Map<String, ChannelConnector> byName() {
    Map<String, Long> perChannel = connectors.keySet().stream()
        .collect(Collectors.groupingBy(Key::channel, Collectors.counting()));
    Map<String, ChannelConnector> named = new LinkedHashMap<>();
    connectors.forEach((key, connector) -> named.put(perChannel.get(key.channel()) == 1 || key.officeId() == ANY_OFFICE
        ? key.channel() : key.channel() + "@" + key.officeId(), connector));
    return named;
  }

  /** The connectors carrying office {@code officeId}'s replies, one per channel. */
  public java.util.Collection<ChannelConnector> connectors(long officeId) {
    Map<String, ChannelConnector> own = new LinkedHashMap<>();
    connectors.forEach((key, connector) -> {
      if (key.officeId() == officeId || key.officeId() == ANY_OFFICE) {
        own.putIfAbsent(key.channel(), connector);
      }
    });
    return List.copyOf(own.values());
  }

  /**
   * What this instance can send: one route per registered connector, {@code officeId} {@code null} for a connector
   * that carries every office's replies on its channel.
   */
  public List<Route> routes() {
    return connectors.entrySet().stream().map(e -> new Route(
        e.getKey().officeId() == ANY_OFFICE ? null : e.getKey().officeId(), e.getKey().channel(), e.getValue()))
        .toList();
  }

  /** A connector and the replies it carries: its channel's, of office {@code officeId} or, when {@code null}, of every office. */
  public record Route(Long officeId, String channel, ChannelConnector connector) {
  }

  /** The channel codes with a connector in at least one office. */
  public Set<String> channels() {
    return connectors.keySet().stream().map(Key::channel).collect(Collectors.toUnmodifiableSet());
  }
}
