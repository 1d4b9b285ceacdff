package jp.kurashi.core.channel;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import jp.kurashi.core.bus.CaseEvents;
import jp.kurashi.core.limits.RateLimits;
import jp.kurashi.core.metrics.GatewayMetrics;
import jp.kurashi.core.office.OfficeProfile;
import jp.kurashi.core.outbox.ReplyQueue;
import jp.kurashi.core.security.ClientAddress;
import jp.kurashi.core.store.ContactStore;
import jp.kurashi.core.store.MessageStore;

import java.time.Clock;

/**
 * Everything a channel may use: the shared pool for its own store, core's contact and message stores, replies,
 * the bus, rate limits, metrics and the clock. Nothing else of the gateway reaches a channel.
 *
 * <p>One context per office: a deployment serving several offices starts each channel once per office with the
 * office's own context, and the channel puts {@link #officePath()} after its public paths ({@code /webhook/line} +
 * {@code /suita}) and the office's code after the names of its periodic jobs.
 *
 * @param pool          the main pool, for the channel's own store (never the inbound pool: that is the pipeline's)
 * @param clientAddress who counts as the client behind the trusted proxies
 * @param officeCode    the office's code ({@code default} for a deployment of one office)
 * @param officePath    what follows the channel's public paths: empty for a deployment of one office (the paths of
 *                      old), {@code /} and the office's code when {@code OFFICES_FILE} lists the offices
 */
public record ChannelContext(Vertx vertx, long officeId, OfficeProfile office, Pool pool, ContactStore contacts,
                             MessageStore messages, ReplyQueue replies, CaseEvents bus, RateLimits rateLimits,
                             GatewayMetrics metrics, ClientAddress clientAddress, Clock clock, String officeCode,
                             String officePath) {

  /** A deployment of one office: the paths of old. */
  public ChannelContext(Vertx vertx, long officeId, OfficeProfile office, Pool pool, ContactStore contacts,
                        MessageStore messages, ReplyQueue replies, CaseEvents bus, RateLimits rateLimits,
                        GatewayMetrics metrics, ClientAddress clientAddress, Clock clock) {
    this(vertx, officeId, office, pool, contacts, messages, replies, bus, rateLimits, metrics, clientAddress, clock,
        "default", "");
  }

  /** A periodic job's name in this office: the same name for one office, the name and the code for several. */
  public String jobName(String name) {
    return officePath.isEmpty() ? name : name + "/" + officeCode;
  }
}
