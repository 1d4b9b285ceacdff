package jp.kurashi.console;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jp.kurashi.core.channel.ChannelRegistry;
import jp.kurashi.core.channel.Channels;
import jp.kurashi.core.triage.Category;

/**
 * What the console shows beside the cases: {@code GET /api/channels} (which channels can deliver now, with details
 * such as LINE's remaining push quota), {@code GET /api/categories} (the intake form's categories and labels) and
 * {@code GET /api/meta} (the contract's lists: urgencies, outcomes, routes…, and every installed channel's name).
 */
final class ReferenceApi {

  private final ChannelRegistry channels;
  private final ContractEnums enums;
  private final java.util.Map<Long, ConsoleOffice> offices;

  ReferenceApi(ChannelRegistry channels, ContractEnums enums, java.util.List<ConsoleOffice> offices) {
    this.channels = channels;
    this.enums = enums;
    this.offices = offices.stream().collect(java.util.stream.Collectors.toMap(ConsoleOffice::id, o -> o));
  }

  void bind(Operations operations) {
    operations.answer("channels", 200, this::channels).answer("categories", 200, this::categories).answer("meta", 200, this::meta);
  }

  /** The contract's lists, so the console's menus and filters never keep copies of them. */
  private Future<?> meta(RoutingContext ctx) {
    JsonArray installed = new JsonArray();
    Channels.labels().forEach((code, label) -> installed.add(new JsonObject().put("code", code)
        .put("label", label.in("ja")).put("labelEn", label.in("en"))));
    JsonObject answer = new JsonObject().put("enums", enums.json()).put("channels", installed);
    // The caller's office, for the console's header: with several offices on one deployment, staff see whose desk
    // they are working at.
    ConsoleOffice office = offices.get(StaffSession.of(ctx).staff().officeId());
    if (office != null) {
      answer.put("office", new JsonObject().put("code", office.code()).put("name", office.name().in("ja"))
          .put("nameEn", office.name().in("en")));
    }
    return Future.succeededFuture(answer);
  }

  private Future<?> channels(RoutingContext ctx) {
    JsonArray items = new JsonArray();
    channels.connectors(StaffSession.of(ctx).staff().officeId())
        .forEach(c -> items.add(c.health().toJson().put("channel", c.channel())));
    return Future.succeededFuture(new JsonObject().put("items", items));
  }

  private Future<?> categories(RoutingContext ctx) {
    JsonArray items = new JsonArray();
    Category.LABELS.forEach((code, label) -> items.add(new JsonObject().put("code", code).put("label", label)
        .put("labelEn", Category.LABELS_EN.get(code))));
    return Future.succeededFuture(new JsonObject().put("items", items));
  }
}
