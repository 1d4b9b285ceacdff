package jp.kurashi.core.triage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * How the rules and the model decide together. Crisis is a safety net, not a vote: either one saying
 * crisis makes it a crisis. Categories and urgency are the model's, plus what the rules found, since a
 * rule the chief wrote for a local phrase should not be out-voted by a model that never saw it.
 */
final class TriageCombination {

  private TriageCombination() {
  }

  static TriageResult combine(TriageResult rules, TriageModel.Verdict model) {
    Set<String> categories = new LinkedHashSet<>(model.categories());
    rules.categories().stream().filter(c -> !c.equals("other")).forEach(categories::add);
    if (categories.size() > 1) {
      categories.remove("other");
    }
    Urgency urgency = rules.urgency().max(model.urgency());
    List<TriageResult.Match> matched = new ArrayList<>(rules.matched());
    if (model.crisis() || !model.categories().isEmpty()) {
      String found = String.format(Locale.ROOT, "crisis score %.2f", model.crisisScore());
      for (String category : model.categories()) {
        matched.add(new TriageResult.Match(category, model.urgency(), "model", found));
      }
    }
    return new TriageResult(categories, urgency, matched);
  }
}
