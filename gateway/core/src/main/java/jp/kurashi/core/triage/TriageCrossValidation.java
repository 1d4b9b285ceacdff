package jp.kurashi.core.triage;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * k-fold cross-validation: trains on all folds but one and triages the messages of that one, so every
 * figure comes from messages the model did not learn from. A message's fold follows from its id, so
 * folds are the same in every run.
 */
public final class TriageCrossValidation {

  private final TriageTrainer trainer;

  /** Cross-validates with {@code trainer}, whose rules also stand beside each fold's model. */
  public TriageCrossValidation(TriageTrainer trainer) {
    this.trainer = trainer;
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

  /**
   * Scores every message of {@code corpus} with a model trained on the other folds. Folds are trained side by side
   * (each on its own copy of nothing shared but the read-only prepared messages); the result is in fold order, so it
   * is the same on any number of cores.
   */
  public List<HeldOut> run(TriageCorpus corpus, int folds) {
    if (folds < 2) {
      throw new IllegalArgumentException("cross-validation needs at least 2 folds");
    }
    TriageTrainer.Prepared all = trainer.prepare(corpus.messages());
    return IntStream.range(0, folds).parallel()
        .mapToObj(f -> heldOut(all, corpus, folds, f))
        .flatMap(List::stream)
        .toList();
  }

  private List<HeldOut> heldOut(TriageTrainer.Prepared all, TriageCorpus corpus, int folds, int f) {
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int i = 0; i < corpus.size(); i++) {
      (fold(corpus.messages().get(i), folds) == f ? test : train).add(i);
    }
    TriageModel model = trainer.train(all.rows(train), "fold " + f);
    List<HeldOut> out = new ArrayList<>(test.size());
    for (int i : test) {
      LabelledMessage m = all.messages().get(i);
      TriageResult r = all.byRules().get(i);
      TriageModel.Verdict v = model.decide(model.scores(all.vectors().get(i)), all.vectors().get(i).kana());
      out.add(new HeldOut(m, r, v, TriageCombination.combine(r, v)));
    }
    return out;
  }
}
