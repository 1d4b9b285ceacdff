package jp.kurashi.core.channel;

import io.vertx.ext.web.Router;

/** A channel's public HTTP routes, mounted on the gateway's router. */
@FunctionalInterface
public interface ChannelRoutes {

  void mount(Router router);
}
