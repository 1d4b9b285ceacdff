package jp.kurashi.core.triage;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The triage engine")
class TriageEngineTest {

  private static final TriageEngine ENGINE = new TriageEngine(TriageRules.bundled());

  private static TriageResult t(String text) {
    return ENGINE.triage(text);
  }

  @Test
  @DisplayName("warms up over more texts than the corpus holds, and triages the same afterwards")
  void warmUpCyclesTheCorpus() {
    TriageEngine engine = new TriageEngine(TriageRules.bundled(), TriageModel.bundled());
    String text = "仕事を失って家賃が払えません。もう消えたい";
    TriageResult before = engine.triage(text);
    engine.warmUp(TriageCorpus.bundled().messages().size() + 10);
    assertThat(engine.triage(text)).isEqualTo(before);
  }

  @Test
  @DisplayName("finds a crisis however it is written: kanji, hiragana, katakana, half-width, conjugated")
  void crisisInAnyScript() {
    for (String text : new String[] {"死にたい", "しにたい", "シニタイ", "ｼﾆﾀｲ", "死にたかった", "もう死にたくて仕方ない",
        "消えてしまいたい", "しにたぁぁい"}) {
      assertThat(t(text).urgency()).as(text).isEqualTo(Urgency.CRISIS);
      assertThat(t(text).categories()).as(text).contains("suicide_risk");
    }
  }

  @Test
  @DisplayName("is not fooled by negations and idioms")
  void negationAndIdioms() {
    assertThat(t("死にたいとかではないです").urgency()).isEqualTo(Urgency.NORMAL);
    assertThat(t("消えたいわけじゃないけど不安です").urgency()).isEqualTo(Urgency.NORMAL);
    assertThat(t("死ぬほど忙しい").urgency()).isEqualTo(Urgency.NORMAL);
    assertThat(t("死にたいとかではないけど、やっぱり死にたい").urgency()).isEqualTo(Urgency.CRISIS);
  }

  @Test
  @DisplayName("cancels a crisis phrase only by a negation that governs that phrase")
  void negationGovernsThePhrase() {
    assertThat(t("死にたいとは思っていません。でも眠れない日が続いています").urgency()).isNotEqualTo(Urgency.CRISIS);
    assertThat(t("しにたいとはおもっていません").urgency()).isNotEqualTo(Urgency.CRISIS);
    assertThat(t("自殺は考えていません。ただ介護で疲れています").urgency()).isNotEqualTo(Urgency.CRISIS);
    // A negation elsewhere in the sentence, before the phrase or in another clause, is about something else.
    assertThat(t("誰にも相談できなくて、夜になると死にたいと思ってしまいます").urgency()).isEqualTo(Urgency.CRISIS);
    assertThat(t("死にたい。仕事はないわけではないけど").urgency()).isEqualTo(Urgency.CRISIS);
    assertThat(t("死にたい、でもお金がないわけではない").urgency()).isEqualTo(Urgency.CRISIS);
    assertThat(t("眠れないし死にたい気持ちが消えません").urgency()).isEqualTo(Urgency.CRISIS);
  }

  @Test
  @DisplayName("cancels a phrase whose negation begins inside it (死ぬ[つもり]はない, 死にたい[わ]けじゃない)")
  void negationOverlapsThePhrase() {
    assertThat(t("心配しないでください、死ぬつもりはないです").urgency()).isNotEqualTo(Urgency.CRISIS);
    assertThat(t("死にたいわけじゃない。でも今夜寝るとこない").urgency()).isEqualTo(Urgency.URGENT);
    assertThat(t("自殺する気はありません").urgency()).isNotEqualTo(Urgency.CRISIS);
    assertThat(t("死にたいなんて一度も思ったことないです").urgency()).isNotEqualTo(Urgency.CRISIS);
    // The Kansai 死にたいわ is still a crisis when no negation follows.
    assertThat(t("もう死にたいわ").urgency()).isEqualTo(Urgency.CRISIS);
    assertThat(t("死ぬつもりです").urgency()).isEqualTo(Urgency.CRISIS);
  }

  @Test
  @DisplayName("cancels a conjugated phrase whose own ending is negative (死にたくない), never a 'must' (死にたくなくちゃ)")
  void negativeEndingOfTheVerb() {
    assertThat(t("死にたくないけど、お金がない").urgency()).isNotEqualTo(Urgency.CRISIS);
    assertThat(t("干からびそう。いや、死にたくはない").urgency()).isNotEqualTo(Urgency.CRISIS);
    assertThat(t("消えたくなかった").urgency()).isNotEqualTo(Urgency.CRISIS);
    assertThat(t("もう死にたくて仕方ない").urgency()).isEqualTo(Urgency.CRISIS);
    assertThat(t("消えたくてたまらない").urgency()).isEqualTo(Urgency.CRISIS);
  }

  @Test
  @DisplayName("knows the ways people write that a crisis phrase is not meant (とまでは思っていません, わけじゃなくて)")
  void moreNegationsOfThePhrase() {
    for (String text : new String[] {"死にたいとまでは思っていません。ただ眠れない", "死にたいわけじゃなくて、制度を知りたい",
        "最初に書きますが、死にたいとかそういうことではありません", "私は死ぬつもりなんてない。でも取り立てが来る",
        "死にたいとは全く思っていません", "消えたいわけじゃなくて、将来が不安なだけ"}) {
      assertThat(t(text).urgency()).as(text).isNotEqualTo(Urgency.CRISIS);
    }
    assertThat(t("死にたいけどお金はない").urgency()).isEqualTo(Urgency.CRISIS);
  }

  @Test
  @DisplayName("cancels a phrase in another language only by a negation right beside it")
  void foreignNegation() {
    assertThat(t("我不是想自杀，只是压力很大").urgency()).isNotEqualTo(Urgency.CRISIS);
    assertThat(t("不想死，也不想伤害自己").urgency()).isNotEqualTo(Urgency.CRISIS);
    assertThat(t("I don't want to die, I just need help with rent").urgency()).isNotEqualTo(Urgency.CRISIS);
    assertThat(t("Em không muốn chết, chỉ mệt thôi").urgency()).isNotEqualTo(Urgency.CRISIS);
    assertThat(t("मलाई मर्न मन छैन").urgency()).isNotEqualTo(Urgency.CRISIS);
    // A negation elsewhere in the message is about something else.
    assertThat(t("我不知道怎么办，想死").urgency()).isEqualTo(Urgency.CRISIS);
    assertThat(t("我不知道该怎么办真的想死").urgency()).isEqualTo(Urgency.CRISIS);
    assertThat(t("受不了想死了").urgency()).isEqualTo(Urgency.CRISIS);
    assertThat(t("I don't know what to do. I want to die").urgency()).isEqualTo(Urgency.CRISIS);
    assertThat(t("Em không có tiền, em muốn chết").urgency()).isEqualTo(Urgency.CRISIS);
    assertThat(t("मलाई मर्न मन लाग्यो").urgency()).isEqualTo(Urgency.CRISIS);
  }

  @Test
  @DisplayName("knows the wish to die in Korean, Portuguese, Tagalog and romaji, and their negations and quotations")
  void moreLanguages() {
    for (String crisis : List.of("요즘 너무 힘들어요 죽고 싶어요", "Não aguento mais, quero morrer",
        "nao quero mais viver", "Pagod na ako, gusto ko nang mamatay", "mou genkai. shinitai",
        "I dont want to live anymore", "tôi không muốn sống nữa")) {
      assertThat(t(crisis).urgency()).as(crisis).isEqualTo(Urgency.CRISIS);
    }
    for (String not : List.of("죽고 싶지 않아요. 그냥 일자리가 필요해요", "친구가 죽고 싶다고 했어요. 어떻게 도와요?",
        "Não quero morrer, só preciso de ajuda com o aluguel", "nao quero morrer so estou cansada",
        "Hindi po ako magpapakamatay, gusto ko lang magtanong", "shinitai toka ja nai kedo, shakkin ga aru",
        "kietai kurai hazukashii kedo, yachin ga harae nai")) {
      assertThat(t(not).urgency()).as(not).isNotEqualTo(Urgency.CRISIS);
    }
  }

  @Test
  @DisplayName("refuses a negation for other languages that does not say where the phrase stands")
  void foreignNegationNeedsItsPlace() {
    assertThatThrownBy(() -> TriageRules.parse("[negation]\n@不\n[food urgent]\n米がない\n"))
        .isInstanceOf(TriageRuleException.class).hasMessageContaining("…");
  }

  @Test
  @DisplayName("reads Kansai forms")
  void kansai() {
    assertThat(t("金あらへん").categories()).contains("economic");
    assertThat(t("食べるもんあらへん").urgency()).isEqualTo(Urgency.URGENT);
    assertThat(t("寝るとこあらへん").categories()).contains("homeless");
  }

  @Test
  @DisplayName("marks urgent needs: no food, nowhere to sleep, utilities cut, collectors")
  void urgent() {
    assertThat(t("3日何も食べていない").urgency()).isEqualTo(Urgency.URGENT);
    assertThat(t("今夜寝る場所がありません").urgency()).isEqualTo(Urgency.URGENT);
    assertThat(t("電気を止められてしまいました").urgency()).isEqualTo(Urgency.URGENT);
    assertThat(t("毎日取り立ての電話が来る").urgency()).isEqualTo(Urgency.URGENT);
    assertThat(t("家賃を滞納しています").urgency()).isEqualTo(Urgency.NORMAL);
  }

  @Test
  @DisplayName("tells 病気 and けが apart: an injury is injury, an illness stays illness")
  void illnessAndInjury() {
    for (String text : new String[] {"階段で転んでけがをしました", "足を骨折して働けません", "交通事故にあいました",
        "I was injured at work", "Tôi bị thương ở chỗ làm"}) {
      assertThat(t(text).categories()).as(text).contains("injury").doesNotContain("illness");
    }
    for (String text : new String[] {"糖尿病で通院しています", "体調不良が続いています", "I am sick and cannot work"}) {
      assertThat(t(text).categories()).as(text).contains("illness").doesNotContain("injury");
    }
    assertThat(t("転んで頭から血が止まらない").urgency()).isEqualTo(Urgency.URGENT);
  }

  @Test
  @DisplayName("tells homophones apart: 給食費 is not 求職")
  void homophones() {
    assertThat(t("給食費が払えていません").categories()).doesNotContain("job_seeking");
    assertThat(t("水道料金が払えません").categories()).doesNotContain("work_trouble");
  }

  @Test
  @DisplayName("recognises English, Chinese, Vietnamese and Nepali messages as foreign, with their keywords")
  void foreign() {
    assertThat(t("I lost my job and cannot pay rent").categories()).contains("foreign", "job_seeking", "arrears");
    assertThat(t("我没有钱，也没有工作").categories()).contains("foreign", "economic");
    assertThat(t("Tôi không có tiền").categories()).contains("foreign", "economic");
    assertThat(t("मलाई मद्दत चाहिन्छ").categories()).contains("foreign");
    assertThat(t("家賃滞納").categories()).doesNotContain("foreign");
  }

  @Test
  @DisplayName("says which words triggered which category, and 'other' when nothing did")
  void explains() {
    TriageResult r = t("借金の返済に困っています");
    assertThat(r.matched()).anySatisfy(m -> {
      assertThat(m.category()).isEqualTo("debt");
      assertThat(m.found()).isNotBlank();
    });
    assertThat(t("窓口は何時までですか").categories()).containsExactly("other");
  }

  @Test
  @DisplayName("refuses a bad rules file with its line number and keeps the rules in force")
  void badRules() {
    assertThatThrownBy(() -> TriageRules.parse("[food urgent]\n食べるものがない\n[fod urgent]\nx\n"))
        .isInstanceOf(TriageRuleException.class).hasMessageStartingWith("line 3: unknown category \"fod\"");
    assertThatThrownBy(() -> TriageRules.parse("[food soon]\nx\n"))
        .hasMessageStartingWith("line 1: unknown urgency");
    assertThatThrownBy(() -> TriageRules.parse("phrase first\n")).hasMessageStartingWith("line 1: a phrase before any");
    assertThatThrownBy(() -> TriageRules.parse("# only comments\n")).isInstanceOf(TriageRuleException.class);

    TriageEngine engine = new TriageEngine(TriageRules.bundled());
    try {
      engine.replace(TriageRules.parse("[food urgent\nx"));
    } catch (TriageRuleException expected) {
      // the engine was never handed the broken rules
    }
    assertThat(engine.triage("何も食べていない").categories()).contains("food");
  }
}
