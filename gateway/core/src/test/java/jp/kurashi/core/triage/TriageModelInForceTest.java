package jp.kurashi.core.triage;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("The model in force")
class TriageModelInForceTest {

  @Test
  @DisplayName("starts as the shipped model, takes a newer saved one, never goes back to an older one")
  void onlyNewer() {
    TriageModelInForce inForce = TriageModelInForce.shipped(TriageRules.bundled());
    TriageEngine engine = inForce.engine();
    assertThat(inForce.current().shipped()).isTrue();
    assertThat(engine.model()).isSameAs(inForce.current().model());
    assertThat(inForce.current().sha256())
        .as("named as an installed model is: by its file, which the same model always serialises to")
        .isEqualTo(TriageModelInForce.sha256(inForce.current().model().toBytes())).hasSize(64);

    TriageModel second = TriageModel.bundled();
    assertThat(inForce.install(second, "b", 2)).isTrue();
    TriageModel first = TriageModel.bundled();
    assertThat(inForce.install(first, "a", 1)).as("an older install found late by the refresh").isFalse();

    assertThat(inForce.current().savedId()).isEqualTo(2);
    assertThat(engine.model()).isSameAs(second);
  }
}
