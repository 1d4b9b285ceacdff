package jp.kurashi.core.triage;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Measures triage against labelled messages ({@code {"id","text","categories","urgency"}} per line):
 * precision and recall per category, micro-averaged F1, urgency accuracy and crisis recall.
 */
public final class TriageEvaluation {

  /** Counts for one category. */
  public record CategoryScore(String category, int truePositives, int falsePositives, int falseNegatives) {
    public double precision() {
      return truePositives + falsePositives == 0 ? 1.0 : (double) truePositives / (truePositives + falsePositives);
    }

    public double recall() {
      return truePositives + falseNegatives == 0 ? 1.0 : (double) truePositives / (truePositives + falseNegatives);
    }
  }

  /** A message triage got wrong, for tuning the rules. */
  public record Miss(String id, String text, Set<String> expected, Set<String> actual, String expectedUrgency, String actualUrgency) {
  }

  private final Map<String, int[]> counts = new LinkedHashMap<>();
  private final List<Miss> misses = new ArrayList<>();
  private int messages;
  private int urgencyRight;
  private int crisisExpected;
  private int crisisFound;
  private int falseCrises;

  /** Evaluates every labelled line; a line that is not valid JSON is an {@link IllegalArgumentException}. */
  public static TriageEvaluation of(TriageEngine engine, List<String> lines) {
    TriageEvaluation e = new TriageEvaluation();
    int n = 0;
    for (String line : lines) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      JsonObject row;
      try {
        row = new JsonObject(line);
      } catch (RuntimeException ex) {
        throw new IllegalArgumentException("line " + n + " is not a JSON object");
      }
      Set<String> expected = new HashSet<>();
      row.getJsonArray("categories", new JsonArray()).forEach(c -> expected.add(String.valueOf(c)));
      TriageResult result = engine.triage(row.getString("text", ""));
      e.add(row.getString("id", String.valueOf(n)), row.getString("text", ""), expected, result.categories(),
          row.getString("urgency", "normal"), result.urgency().code());
    }
    return e;
  }

  /** Scores one labelled message against what triage said of it. */
  public void record(LabelledMessage message, TriageResult result) {
    add(message.id(), message.text(), message.categories(), result.categories(), message.urgency().code(),
        result.urgency().code());
  }

  /** Scores what triage said of each message. */
  public static TriageEvaluation of(List<LabelledMessage> messages, java.util.function.Function<LabelledMessage, TriageResult> triage) {
    TriageEvaluation e = new TriageEvaluation();
    messages.forEach(m -> e.record(m, triage.apply(m)));
    return e;
  }

  private void add(String id, String text, Set<String> expected, Set<String> actual, String expectedUrgency, String actualUrgency) {
    messages++;
    Set<String> all = new HashSet<>(expected);
    all.addAll(actual);
    for (String c : all) {
      int[] k = counts.computeIfAbsent(c, x -> new int[3]);
      boolean e = expected.contains(c);
      boolean a = actual.contains(c);
      if (e && a) {
        k[0]++;
      } else if (a) {
        k[1]++;
      } else {
        k[2]++;
      }
    }
    if (expectedUrgency.equals(actualUrgency)) {
      urgencyRight++;
    }
    if (expectedUrgency.equals("crisis")) {
      crisisExpected++;
      if (actualUrgency.equals("crisis")) {
        crisisFound++;
      }
    } else if (actualUrgency.equals("crisis")) {
      falseCrises++;
    }
    if (!expected.equals(actual) || !expectedUrgency.equals(actualUrgency)) {
      misses.add(new Miss(id, text.length() > 40 ? text.substring(0, 40) : text, expected, actual, expectedUrgency, actualUrgency));
    }
  }

  public List<CategoryScore> perCategory() {
    List<CategoryScore> out = new ArrayList<>();
    counts.forEach((c, k) -> out.add(new CategoryScore(c, k[0], k[1], k[2])));
    out.sort((a, b) -> a.category().compareTo(b.category()));
    return out;
  }

  public double microF1() {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    for (int[] k : counts.values()) {
      tp += k[0];
      fp += k[1];
      fn += k[2];
    }
    return tp == 0 ? 0 : 2.0 * tp / (2.0 * tp + fp + fn);
  }

  public double urgencyAccuracy() {
    return messages == 0 ? 0 : (double) urgencyRight / messages;
  }

  public double crisisRecall() {
    return crisisExpected == 0 ? 1.0 : (double) crisisFound / crisisExpected;
  }

  /** Of the messages that are not a crisis, the share triage called one. */
  public double falseCrisisRate() {
    int calm = messages - crisisExpected;
    return calm == 0 ? 0 : (double) falseCrises / calm;
  }

  public int messages() {
    return messages;
  }

  public List<Miss> misses() {
    return misses;
  }

  /** One line: micro-F1, urgency accuracy, crisis recall and false crisis rate. */
  public String summary() {
    return String.format("micro-F1 %.3f, urgency %.3f, crisis recall %.3f (%d/%d), false crisis %.3f (%d/%d)",
        microF1(), urgencyAccuracy(), crisisRecall(), crisisFound, crisisExpected, falseCrisisRate(), falseCrises,
        messages - crisisExpected);
  }

  /** A plain-text report, as the CLI prints it. */
  public String report() {
    StringBuilder out = new StringBuilder();
    out.append(String.format("%-16s %9s %9s %5s %5s %5s%n", "category", "precision", "recall", "tp", "fp", "fn"));
    for (CategoryScore s : perCategory()) {
      out.append(String.format("%-16s %9.3f %9.3f %5d %5d %5d%n", s.category(), s.precision(), s.recall(),
          s.truePositives(), s.falsePositives(), s.falseNegatives()));
    }
    out.append(String.format("messages %d, category micro-F1 %.3f, urgency accuracy %.3f, crisis recall %.3f (%d/%d), "
        + "false crisis %.3f (%d/%d)%n", messages, microF1(), urgencyAccuracy(), crisisRecall(), crisisFound,
        crisisExpected, falseCrisisRate(), falseCrises, messages - crisisExpected));
    return out.toString();
  }
}
