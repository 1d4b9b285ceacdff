package jp.kurashi.core.triage;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipped rules and model on sets by writers whose messages were never trained on (parts J and K in
 * test resources): the figures closest to the desk's own unseen messages. Floors are the measured figures less a
 * small margin (docs/TRIAGE.md), so a change that makes triage worse on new writers fails here.
 */
@DisplayName("Triage on messages by writers it never trained on")
class HeldOutWritersTest {

  private static final TriageEngine ENGINE = new TriageEngine(TriageRules.bundled(), TriageModel.bundled());

  @ParameterizedTest(name = "{0}: crisis recall >= {1}, false crisis <= {2}, urgency >= {3}, micro-F1 >= {4}")
  @CsvSource({
      // Measured 2026-11-27 (trained on A–O, 7,900): J 0.982 / 14.9 % / 0.860 / 0.755; K 0.976 / 11.5 % / 0.892 / 0.827;
      // with per-category thresholds (2026-11-28) micro-F1 J 0.765, K 0.838, the rest unchanged; with part P (560 messages
      // in the seven languages, crisis words in ordinary senses) J 0.982 / 15.9 % / 0.850 / 0.764, K 0.992 / 10.4 % /
      // 0.904 / 0.838. J's floors were lowered for P on purpose: its false crises rose by 4 of 390 while K's fell by 4 of
      // 364 and K's missed crises went from 3 to 1 (docs/TRIAGE.md, "Part P").
      // J's recall was 1.000 trained on A–I and 0.991 on A–M: j0202 (a husband collapsed, 崩れ落ちて泡をふいて) and
      // j0453 (strangled now, in romaji) are missed. Nothing was tuned on J to win them back: that would make it a
      // development set.
      "part-j-japanese.jsonl, 0.98, 0.165, 0.845, 0.76",
      "part-k-languages.jsonl, 0.985, 0.11, 0.895, 0.83"})
  void heldOutWriter(String file, double recall, double falseCrisis, double urgency, double microF1) throws Exception {
    TriageCorpus set = TriageCorpus.read(List.of(resource(file)));
    TriageEvaluation e = TriageEvaluation.of(set.messages(), m -> ENGINE.triage(m.text()));
    System.out.println(file + ": " + e.summary());
    assertThat(e.messages()).isEqualTo(set.size()).isGreaterThan(400);
    assertThat(e.crisisRecall()).isGreaterThanOrEqualTo(recall);
    assertThat(e.falseCrisisRate()).isLessThanOrEqualTo(falseCrisis);
    assertThat(e.urgencyAccuracy()).isGreaterThanOrEqualTo(urgency);
    assertThat(e.microF1()).isGreaterThanOrEqualTo(microF1);
  }

  private static Path resource(String file) throws URISyntaxException {
    return Path.of(HeldOutWritersTest.class.getResource("/triage/heldout/" + file).toURI());
  }
}
