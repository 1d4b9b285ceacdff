package jp.kurashi.core.triage;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides whether a model may replace the one in force. Both are scored on the shipped corpus
 * ({@link TriageCorpus#bundled()}) as the gateway would run them, i.e. together with the rules in force.
 * The new model "scores below" the current one, and is refused, when
 * <ul>
 *   <li>its crisis recall is lower: it finds fewer of the corpus's crisis messages (no tolerance: a missed
 *       crisis is the one error the desk cannot afford), or</li>
 *   <li>its category micro-F1 is lower by more than {@link #MICRO_F1_TOLERANCE}. A model retrained on the
 *       corpus plus the desk's own corrections fits the shipped messages slightly differently; a change in
 *       the third decimal is that, not a worse model.</li>
 * </ul>
 * Urgency accuracy and the false crisis rate are reported, not compared. These are figures on messages
 * the models were trained on: a guard against installing a broken or wrong model, not a measure of how
 * well a model does on new messages ({@code triage evaluate --folds 10} gives that).
 *
 * <p>Scoring takes seconds: call {@link #check} on a worker thread. The last score of the model in force
 * is kept, so a second upload scores only the new model.
 */
public final class TriageModelCheck {

  /** How much lower a new model's micro-F1 may be and still be accepted. */
  public static final double MICRO_F1_TOLERANCE = 0.005;

  /** Why a model was refused. */
  public enum Shortfall { CRISIS_RECALL, MICRO_F1 }

  /** Both models' scores on {@code corpus} and what the new one falls short in (empty: accepted). */
  public record Outcome(String corpusSha256, TriageEvaluation current, TriageEvaluation candidate,
                        List<Shortfall> shortfalls) {
    public boolean accepted() {
      return shortfalls.isEmpty();
    }
  }

  private record Scored(TriageRules rules, TriageModel model, TriageEvaluation evaluation) {
  }

  private Scored lastCurrent;

  /** Scores {@code candidate} and {@code current} (each with {@code rules}) and compares them. Blocking. */
  public synchronized Outcome check(TriageRules rules, TriageModel current, TriageModel candidate) {
    TriageEvaluation before = lastCurrent != null && lastCurrent.rules() == rules && lastCurrent.model() == current
        ? lastCurrent.evaluation() : score(rules, current);
    TriageEvaluation after = score(rules, candidate);
    List<Shortfall> shortfalls = new ArrayList<>();
    if (after.crisisRecall() < before.crisisRecall()) {
      shortfalls.add(Shortfall.CRISIS_RECALL);
    }
    if (after.microF1() < before.microF1() - MICRO_F1_TOLERANCE) {
      shortfalls.add(Shortfall.MICRO_F1);
    }
    // Accepted, the candidate is the model in force next time; refused, the current one still is.
    lastCurrent = shortfalls.isEmpty() ? new Scored(rules, candidate, after) : new Scored(rules, current, before);
    return new Outcome(TriageCorpus.bundledSha256(), before, after, List.copyOf(shortfalls));
  }

  private TriageEvaluation score(TriageRules rules, TriageModel model) {
    TriageEngine engine = new TriageEngine(rules, model);
    return TriageEvaluation.of(TriageCorpus.bundled().messages(), m -> engine.triage(m.text()));
  }
}
