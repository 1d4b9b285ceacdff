package jp.kurashi.core.triage;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Set;

/**
 * What triage found in one message: categories, urgency, and which words triggered which category,
 * so staff can see why.
 */
public record TriageResult(Set<String> categories, Urgency urgency, List<Match> matched) {

  /** One rule that fired: the category, the rule's phrase, and the words of the message it found. */
  public record Match(String category, Urgency urgency, String rule, String found) {
    public JsonObject toJson() {
      return new JsonObject().put("category", category).put("urgency", urgency.code()).put("rule", rule)
          .put("found", found);
    }
  }

  public JsonArray matchedJson() {
    JsonArray out = new JsonArray();
    matched.forEach(m -> out.add(m.toJson()));
    return out;
  }
}
