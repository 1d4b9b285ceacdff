package jp.kurashi.core.triage;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** One line of a triage corpus: a message with the categories and urgency a person gave it. */
public record LabelledMessage(String id, String text, Set<String> categories, Urgency urgency) {

  public LabelledMessage {
    // Sorted, so a message's line (and the corpus hash) is the same in every JVM.
    categories = Collections.unmodifiableSet(new TreeSet<>(categories));
  }

  /**
   * Reads corpus lines ({@code {"id","text","categories","urgency"}}); blank lines are skipped. A line
   * that is not such an object is an {@link IllegalArgumentException} naming its number, so a broken
   * corpus is refused rather than half-learned.
   */
  public static List<LabelledMessage> parse(String source, List<String> lines) {
    List<LabelledMessage> out = new ArrayList<>();
    int n = 0;
    for (String line : lines) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      try {
        out.add(fromJson(new JsonObject(line), source + ":" + n));
      } catch (DecodeException | ClassCastException | IllegalArgumentException e) {
        throw new IllegalArgumentException(source + " line " + n + ": " + reason(e));
      }
    }
    return out;
  }

  private static LabelledMessage fromJson(JsonObject row, String fallbackId) {
    String text = row.getString("text");
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("no text");
    }
    Set<String> categories = new LinkedHashSet<>();
    row.getJsonArray("categories", new JsonArray()).forEach(c -> categories.add(String.valueOf(c)));
    if (categories.isEmpty()) {
      throw new IllegalArgumentException("no categories");
    }
    Object id = row.getValue("id");
    return new LabelledMessage(id == null ? fallbackId : String.valueOf(id), text, categories,
        Urgency.fromCode(row.getString("urgency", "normal")));
  }

  private static String reason(RuntimeException e) {
    return e instanceof DecodeException ? "not a JSON object" : String.valueOf(e.getMessage());
  }

  /** This message as a corpus line. */
  public JsonObject toJson() {
    return new JsonObject().put("id", id).put("text", text).put("categories", new JsonArray(List.copyOf(categories)))
        .put("urgency", urgency.code());
  }
}
