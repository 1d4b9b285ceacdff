package jp.kurashi.core.channel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The connectors this gateway instance runs, registered explicitly at start-up.
 */
public final class ChannelRegistry {

  private final Map<String, ChannelConnector> connectors = new LinkedHashMap<>();

  /** Adds a connector; registering one channel twice is a wiring bug. */
  public ChannelRegistry register(ChannelConnector connector) {
    if (connectors.putIfAbsent(connector.channel(), connector) != null) {
      throw new IllegalStateException("channel registered twice: " + connector.channel());
    }
    return this;
  }

  public Optional<ChannelConnector> find(String channel) {
    return Optional.ofNullable(connectors.get(channel));
  }

  /** Every registered connector, in registration order. */
  public java.util.Collection<ChannelConnector> connectors() {
    return java.util.List.copyOf(connectors.values());
  }

  public Set<String> channels() {
    return Set.copyOf(connectors.keySet());
  }
}
