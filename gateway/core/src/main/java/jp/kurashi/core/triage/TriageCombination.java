package jp.kurashi.core.triage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How the rules and the model decide together. Crisis is a safety net, not a vote: either one saying
 * crisis makes it a crisis. Categories and urgency are the model's, plus what the rules found, since a
 * rule the chief wrote for a local phrase should not be out-voted by a model that never saw it; only where
 * the model is confident a message is ordinary, or not about a category, does a rule's urgent or category
 * give way.
 */
final class TriageCombination {

  /** The model's "urgent or worse" score below which a rule's urgent is overruled (chosen on 10 folds). */
  static final double CONFIDENTLY_NORMAL = -0.5;

  private TriageCombination() {
  }

  static TriageResult combine(TriageResult rules, TriageModel.Verdict model) {
    Set<String> categories = new LinkedHashSet<>(model.categories());
    // A rule's category stands unless the model is confident the message is not about it (held-out: 0.739 ->
    // 0.745 micro-F1); one the model does not know, such as a new category of the chief's, always stands, and
    // so does foreign when the script says so.
    rules.categories().stream()
        .filter(c -> !c.equals("other") && (c.equals("foreign") || !model.ruledOut().contains(c)))
        .forEach(categories::add);
    // foreign (外国籍・日本語支援) found from the script says who writes, not what about: その他 goes only
    // when another topic is there, and a message in another language with no topic is その他.
    boolean topic = categories.stream().anyMatch(c -> !c.equals("other") && !c.equals("foreign"));
    if (topic) {
      categories.remove("other");
    } else if (rules.matched().stream().anyMatch(m -> m.rule().startsWith("script:"))) {
      categories.add("other");
    }
    Urgency byRules = rules.urgency();
    if (byRules == Urgency.URGENT && model.urgentScore() < CONFIDENTLY_NORMAL) {
      // Urgent words in a message the model reads as plainly ordinary: on held-out folds, where the rules said
      // urgent and the model normal, 49 of 61 messages were ordinary, and none of the 12 urgent ones scored
      // below this. Crisis is never weighed this way: the rules' crisis always stands.
      byRules = Urgency.NORMAL;
    }
    Urgency urgency = byRules.max(model.urgency());
    List<TriageResult.Match> matched = new ArrayList<>(rules.matched());
    if (model.crisis() || !model.categories().isEmpty()) {
      String found = "crisis score " + twoDecimals(model.crisisScore());
      for (String category : model.categories()) {
        matched.add(new TriageResult.Match(category, model.urgency(), "model", found));
      }
    }
    return new TriageResult(categories, urgency, matched);
  }

  /**
   * A score as {@code %.2f} writes it (half up, from the shortest decimal of the double), without {@link String#format}:
   * its pattern parser was among the methods the JIT compiled in a cold gateway's first loaded seconds, once per
   * message. Only a score that rounds to zero from below differs: {@code 0.00} here, {@code -0.00} there.
   */
  static String twoDecimals(double value) {
    return Double.isFinite(value)
        ? java.math.BigDecimal.valueOf(value).setScale(2, java.math.RoundingMode.HALF_UP).toPlainString()
        : String.valueOf(value);
  }
}
