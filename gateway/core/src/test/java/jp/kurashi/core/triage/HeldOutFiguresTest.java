package jp.kurashi.core.triage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Triage quality on held-out folds only: ten-fold cross-validation over the shipped corpus, each
 * message triaged by rules and a model trained without it. The floors are the figures reached
 * (docs/TRIAGE.md), so a change that makes triage worse fails here; issue 13's goals (crisis recall
 * 0.99, false crisis 3 %, urgency 0.9, micro-F1 0.85) are higher and not yet met.
 */
@DisplayName("Triage on held-out folds of the corpus")
class HeldOutFiguresTest {

  private static TriageEvaluation combined;
  private static TriageEvaluation modelAlone;

  @BeforeAll
  static void crossValidate() {
    TriageRules rules = TriageRules.bundled();
    List<TriageCrossValidation.HeldOut> held =
        new TriageCrossValidation(new TriageTrainer(TriageTrainer.Settings.DEFAULT, rules))
            .run(TriageCorpus.bundled(), 10);
    combined = new TriageEvaluation();
    modelAlone = new TriageEvaluation();
    for (TriageCrossValidation.HeldOut h : held) {
      combined.record(h.message(), h.combined());
      modelAlone.record(h.message(), new TriageResult(h.model().categories(), h.model().urgency(), List.of()));
    }
    System.out.println("held-out, rules and model: " + combined.summary());
    System.out.println("held-out, model alone: " + modelAlone.summary());
  }

  @Test
  @DisplayName("scores every message of the corpus once")
  void everyMessage() {
    assertThat(combined.messages()).isEqualTo(TriageCorpus.bundled().size());
  }

  @Test
  @DisplayName("finds crises (rules or model)")
  void crisisRecall() {
    assertThat(combined.crisisRecall()).isGreaterThanOrEqualTo(CRISIS_RECALL);
  }

  @Test
  @DisplayName("keeps false crises within the measured rate")
  void falseCrisis() {
    assertThat(combined.falseCrisisRate()).isLessThanOrEqualTo(FALSE_CRISIS);
  }

  @Test
  @DisplayName("gets urgency right")
  void urgency() {
    assertThat(combined.urgencyAccuracy()).isGreaterThanOrEqualTo(URGENCY);
  }

  @Test
  @DisplayName("gets categories right (micro-F1)")
  void categories() {
    assertThat(combined.microF1()).isGreaterThanOrEqualTo(MICRO_F1);
  }

  // Measured on 8,460 messages (0.970, 0.158, 0.837, 0.774; on 7,900 before part P 0.971, 0.155, 0.840, 0.777), less a
  // small margin: training is deterministic, so only a change to the corpus, features, settings or rules moves them.
  private static final double CRISIS_RECALL = 0.965;
  private static final double FALSE_CRISIS = 0.165;
  private static final double URGENCY = 0.83;
  private static final double MICRO_F1 = 0.77;
}
