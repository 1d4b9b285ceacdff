package jp.kurashi.core.triage;

import java.util.ArrayList;
import java.util.List;

/**
 * k-fold cross-validation: trains on all folds but one and triages the messages of that one, so every
 * figure comes from messages the model did not learn from. A message's fold follows from its id, so
 * folds are the same in every run.
 */
public final class TriageCrossValidation {

  private final TriageTrainer trainer;
  private final TriageRules rules;

  public TriageCrossValidation(TriageTrainer trainer, TriageRules rules) {
    this.trainer = trainer;
    this.rules = rules;
  }

  /** One held-out message: what the rules said, what the model trained without it said, and both together. */
  public record HeldOut(LabelledMessage message, TriageResult rules, TriageModel.Verdict model, TriageResult combined) {
  }

  /** The fold of a message among {@code folds}: from a hash of its id, stable across runs and machines. */
  static int fold(LabelledMessage m, int folds) {
    return fold(m, folds, 0);
  }

  /** A fold under another {@code salt}: the trainer's inner folds must not line up with these outer ones. */
  static int fold(LabelledMessage m, int folds, int salt) {
    return Math.floorMod(TriageFeatures.mix(m.id().hashCode() ^ salt), folds);
  }

  public List<HeldOut> run(TriageCorpus corpus, int folds) {
    if (folds < 2) {
      throw new IllegalArgumentException("cross-validation needs at least 2 folds");
    }
    TriageTrainer.Prepared all = trainer.prepare(corpus.messages());
    TriageEngine byRules = new TriageEngine(rules);
    List<HeldOut> out = new ArrayList<>();
    for (int f = 0; f < folds; f++) {
      List<Integer> train = new ArrayList<>();
      List<Integer> test = new ArrayList<>();
      for (int i = 0; i < corpus.size(); i++) {
        (fold(corpus.messages().get(i), folds) == f ? test : train).add(i);
      }
      TriageTrainer.Prepared part = new TriageTrainer.Prepared(
          train.stream().map(all.messages()::get).toList(),
          train.stream().map(all.vectors()::get).toList(),
          toArray(train, all.rulesCrisis()));
      TriageModel model = trainer.train(part, "fold " + f);
      for (int i : test) {
        LabelledMessage m = all.messages().get(i);
        TriageResult r = byRules.triageByRules(m.text());
        TriageModel.Verdict v = model.decide(model.scores(all.vectors().get(i)), all.vectors().get(i).kana());
        out.add(new HeldOut(m, r, v, TriageCombination.combine(r, v)));
      }
    }
    return out;
  }

  private static boolean[] toArray(List<Integer> rows, boolean[] values) {
    boolean[] out = new boolean[rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      out[i] = values[rows.get(i)];
    }
    return out;
  }
}
