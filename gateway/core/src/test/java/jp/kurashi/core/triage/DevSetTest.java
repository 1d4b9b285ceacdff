package jp.kurashi.core.triage;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Triage on the labelled development set")
class DevSetTest {

  private static TriageEvaluation evaluation;

  @BeforeAll
  static void evaluate() throws IOException {
    try (InputStream in = DevSetTest.class.getResourceAsStream("/triage/devset.jsonl")) {
      List<String> lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
      evaluation = TriageEvaluation.of(new TriageEngine(TriageRules.bundled()), lines);
    }
    System.out.print(evaluation.report());
    evaluation.misses().forEach(m -> System.out.println("  miss " + m));
  }

  @Test
  @DisplayName("has at least 200 messages")
  void size() {
    assertThat(evaluation.messages()).isGreaterThanOrEqualTo(200);
  }

  @Test
  @DisplayName("finds every crisis")
  void crisisRecall() {
    assertThat(evaluation.crisisRecall()).isEqualTo(1.0);
  }

  @Test
  @DisplayName("reaches a category micro-F1 of at least 0.85")
  void microF1() {
    assertThat(evaluation.microF1()).isGreaterThanOrEqualTo(0.85);
  }
}
