package jp.kurashi.core.channel;

import jp.kurashi.core.lease.PeriodicJob;

import java.util.List;

/**
 * What a started channel hands the gateway.
 *
 * @param connector carries replies out (registered with the outbox)
 * @param routes    mounted on the public HTTP server (webhooks, the chat page)
 * @param jobs      periodic work run on one instance at a time under a job lease (pollers, watches)
 */
public record ChannelParts(ChannelConnector connector, List<ChannelRoutes> routes, List<PeriodicJob> jobs) {

  public ChannelParts {
    routes = List.copyOf(routes);
    jobs = List.copyOf(jobs);
  }
}
