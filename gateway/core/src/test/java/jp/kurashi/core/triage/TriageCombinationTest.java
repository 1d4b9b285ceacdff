package jp.kurashi.core.triage;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("Rules and model together")
class TriageCombinationTest {

  private static final TriageResult.Match VIETNAMESE = new TriageResult.Match("foreign", Urgency.NORMAL, "script:vi", "vi");

  private static TriageModel.Verdict model(String... categories) {
    return new TriageModel.Verdict(new LinkedHashSet<>(List.of(categories)), Urgency.NORMAL, -1.0, -1.0, false, Set.of());
  }

  @Test
  @DisplayName("a message in another language with no topic is その他 as well as 外国籍")
  void foreignWithoutTopicIsOther() {
    TriageResult rules = new TriageResult(Set.of("foreign"), Urgency.NORMAL, List.of(VIETNAMESE));
    assertThat(TriageCombination.combine(rules, model("foreign")).categories()).containsExactlyInAnyOrder("foreign", "other");
    assertThat(TriageCombination.combine(rules, model("other", "foreign")).categories()).containsExactlyInAnyOrder("foreign", "other");
  }

  @Test
  @DisplayName("その他 goes when there is a topic")
  void topicRemovesOther() {
    TriageResult rules = new TriageResult(Set.of("foreign"), Urgency.NORMAL, List.of(VIETNAMESE));
    assertThat(TriageCombination.combine(rules, model("other", "food")).categories()).containsExactlyInAnyOrder("foreign", "food");
  }

  @Test
  @DisplayName("a Japanese message about language support stays 外国籍 alone")
  void japaneseLanguageSupport() {
    TriageResult rules = new TriageResult(Set.of("other"), Urgency.NORMAL, List.of());
    assertThat(TriageCombination.combine(rules, model("foreign")).categories()).containsExactly("foreign");
  }

  @Test
  @DisplayName("a rule's urgent gives way only where the model is confident the message is ordinary; a rule's crisis never")
  void urgentGivesWay() {
    TriageResult urgent = new TriageResult(Set.of("food"), Urgency.URGENT, List.of());
    TriageResult crisis = new TriageResult(Set.of("suicide_risk"), Urgency.CRISIS, List.of());
    TriageModel.Verdict plainlyOrdinary = new TriageModel.Verdict(Set.of("food"), Urgency.NORMAL, -0.9, -1.5, false, Set.of());
    TriageModel.Verdict unsure = new TriageModel.Verdict(Set.of("food"), Urgency.NORMAL, -0.3, -1.5, false, Set.of());
    assertThat(TriageCombination.combine(urgent, plainlyOrdinary).urgency()).isEqualTo(Urgency.NORMAL);
    assertThat(TriageCombination.combine(urgent, unsure).urgency()).isEqualTo(Urgency.URGENT);
    assertThat(TriageCombination.combine(crisis, plainlyOrdinary).urgency()).isEqualTo(Urgency.CRISIS);
  }

  @Test
  @DisplayName("a rule's category gives way where the model is confident the message is not about it")
  void categoryGivesWay() {
    TriageResult rules = new TriageResult(Set.of("legal", "foreign"), Urgency.NORMAL, List.of(VIETNAMESE));
    TriageModel.Verdict notLegal = new TriageModel.Verdict(Set.of("work_trouble"), Urgency.NORMAL, -1, -1, false,
        Set.of("legal", "foreign"));
    TriageModel.Verdict unsure = new TriageModel.Verdict(Set.of("work_trouble"), Urgency.NORMAL, -1, -1, false, Set.of());
    assertThat(TriageCombination.combine(rules, notLegal).categories()).containsExactlyInAnyOrder("work_trouble", "foreign");
    assertThat(TriageCombination.combine(rules, unsure).categories())
        .containsExactlyInAnyOrder("work_trouble", "legal", "foreign");
  }

  @Test
  @DisplayName("shows the model's crisis score with two decimals, as %.2f does")
  void scoreText() {
    for (double score : new double[] {0.874, -0.48, -0.0049, 0.005, 1.0, -2.316, 0.1, 12.999, -0.125, 0.125, -1.005,
        2.675, Double.NaN, Double.NEGATIVE_INFINITY, -1e-9}) {
      assertThat(TriageCombination.twoDecimals(score)).as("%s", score)
          .isEqualTo(String.format(java.util.Locale.ROOT, "%.2f", score).replace("-0.00", "0.00"));
    }
  }
}
