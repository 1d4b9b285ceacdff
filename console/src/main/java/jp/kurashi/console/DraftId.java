package jp.kurashi.console;

import io.vertx.core.json.JsonObject;

import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The console's draft id in a request body ({@code draftId}): the same draft sent again after a lost answer is stored
 * once. Optional (a script sends none); when given, a canonical UUID.
 */
final class DraftId {

  private static final String FIELD = "draftId";

  // Strictly the canonical form: UUID.fromString would also take "1-1-1-1-1".
  private static final Pattern CANONICAL =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  private DraftId() {
  }

  /** The draft named in {@code body}, or {@code null} when it names none (or null); 400 {@code invalid_draft_id} otherwise. */
  static UUID of(JsonObject body) {
    if (body.getValue(FIELD) == null) {
      return null;
    }
    if (!(body.getValue(FIELD) instanceof String raw) || !CANONICAL.matcher(raw).matches()) {
      throw ApiException.badRequest("invalid_draft_id", "draftId must be a UUID");
    }
    return UUID.fromString(raw);
  }
}
