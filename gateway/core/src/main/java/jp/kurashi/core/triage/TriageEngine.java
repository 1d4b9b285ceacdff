package jp.kurashi.core.triage;

import jp.kurashi.core.triage.JapaneseAnalyzer.Token;
import jp.kurashi.core.triage.TriageRules.Rule;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;

/**
 * Reads a message and says what it is about and how urgent it is. Each phrase is looked for in the
 * folded text, in its reading (so hiragana-only and katakana messages match), and as a sequence of
 * dictionary forms (so conjugated verbs match); a negation that governs the phrase itself cancels it
 * (「死にたいとかではない」), one elsewhere in the sentence does not. Messages in other scripts are recognised as {@code foreign} and read with
 * the {@code @} rules. Thread-safe; the rules can be replaced while it runs.
 *
 * <pre>{@code
 * TriageEngine engine = new TriageEngine(TriageRules.bundled());
 * TriageResult r = engine.triage("3日何も食べていません");   // food, urgent
 * }</pre>
 */
public final class TriageEngine {

  private static final int NEGATION_WINDOW = 24;
  /** How many characters may stand between a phrase and its negation (「死にたい|って思ったことは|ない」). */
  private static final int NEGATION_GAP = 6;
  /** How far into the phrase itself its negation may begin (「死ぬつもり」+「つもりはない」). */
  private static final int NEGATION_OVERLAP = 4;
  /** How many characters a negation in another language may stand from its phrase (one short word). */
  private static final int FOREIGN_GAP = 12;
  /**
   * A negative ending right on the matched verb (「死に|たく|ない」「消え|たく|はない」「死な|へん」): the dictionary forms
   * match 死ぬ+たい in 「死にたくない」 too. Endings that mean "must" (「死な|ないと」「死な|なくちゃ」) are not negations.
   */
  private static final Pattern NEGATIVE_ENDING =
      Pattern.compile("[はも]?(ない(?!と)|なく(?!ちゃ|ては|ても)|なかっ|ねえ|ねぇ|ねー|ありません|ません|へん|ひん)");
  /** Where a clause ends: a negation after one of these is about something else. */
  private static final String CLAUSE_BREAKS = "。．.!！?？\n、，,；;|";
  /** Simplified characters and particles that do not occur in Japanese: tell Chinese from kanji-only Japanese. */
  private static final String CHINESE_ONLY = "业东车无为么们还吗呢没钱这个饭给让说对问谢请难买卖帮从边样过发现题里该够办吧";

  private final AtomicReference<TriageRules> rules;
  private final AtomicReference<TriageModel> model;

  /** Rules only: what the trainer uses to see which crises the rules already find. */
  public TriageEngine(TriageRules rules) {
    this(rules, null);
  }

  /** Rules and the statistical model together, as the gateway runs. */
  public TriageEngine(TriageRules rules, TriageModel model) {
    this.rules = new AtomicReference<>(rules);
    this.model = new AtomicReference<>(model);
  }

  public TriageRules rules() {
    return rules.get();
  }

  /** The model in force, or null when this engine runs on rules alone. */
  public TriageModel model() {
    return model.get();
  }

  /** Puts new rules in force for every message triaged from now on. */
  public void replace(TriageRules next) {
    rules.set(next);
  }

  /** Puts a new model in force for every message triaged from now on. */
  public void replace(TriageModel next) {
    model.set(next);
  }

  /**
   * Loads the dictionary and runs {@code messages} of the shipped corpus's texts through rules and model, on a
   * worker thread at start-up: the JIT compiler then compiles the analyser before the first resident writes,
   * instead of competing with the first minute's messages for the CPU.
   */
  public void warmUp(int messages) {
    triage("今日は何も食べていません。家賃も払えず、死にたい気持ちです。");
    if (messages <= 1) {
      return;
    }
    // Spread over the corpus (it is sorted by id, so by part): every language and register is warmed, not one.
    TriageCorpus.sampleTexts(messages - 1).forEach(this::triage);
  }

  /** Rules and model together; crisis if either finds one. */
  public TriageResult triage(String text) {
    TriageModel current = model.get();
    if (current == null) {
      return triageByRules(text);
    }
    Analysis analysis = analyse(text);
    return TriageCombination.combine(analysis.byRules(), current.predict(analysis.features()));
  }

  /** What the rules found in a message and the model's features of it. */
  record Analysis(TriageResult byRules, TriageFeatures.Vector features) {
  }

  /** Rules and features from one Kuromoji pass: the analysis is most of the cost of a message. */
  Analysis analyse(String text) {
    String nfkc = TextFolding.nfkc(text == null ? "" : text);
    List<Token> tokens = hasJapanese(nfkc) ? JapaneseAnalyzer.tokens(nfkc) : List.of();
    return new Analysis(byRules(nfkc, tokens), TriageFeatures.of(nfkc, tokens));
  }

  /** The rules alone. */
  public TriageResult triageByRules(String text) {
    String nfkc = TextFolding.nfkc(text == null ? "" : text);
    return byRules(nfkc, hasJapanese(nfkc) ? JapaneseAnalyzer.tokens(nfkc) : List.of());
  }

  private TriageResult byRules(String nfkc, List<Token> tokens) {
    TriageRules current = rules.get();
    String folded = TextFolding.foldNormalized(nfkc);
    for (String idiom : current.ignored()) {
      folded = folded.replace(idiom, "|".repeat(idiom.length()));
    }
    boolean japanese = hasJapanese(nfkc);
    String reading = readingOf(tokens);
    String lemmas = lemmasOf(tokens);
    String lower = nfkc.toLowerCase(Locale.ROOT);

    List<Rule> rules = current.rules();
    String[] found = new String[rules.size()];
    for (PhraseIndex.Hit hit : current.surfaceIndex().search(folded)) {
      int r = hit.phrase() / 2;
      // Phrases of other languages are read below, in the unfolded text, with their own negations.
      if (found[r] == null && rules.get(r).kind() != TriageRules.Kind.FOREIGN
          && !negated(folded, hit.end(), current.negations())) {
        found[r] = hit.phrase() % 2 == 0 ? rules.get(r).folded() : rules.get(r).reading();
      }
    }
    if (japanese) {
      for (PhraseIndex.Hit hit : current.readingIndex().search(reading)) {
        if (found[hit.phrase()] == null && !negated(reading, hit.end(), current.negations())) {
          found[hit.phrase()] = rules.get(hit.phrase()).folded();
        }
      }
    }
    for (PhraseIndex.Hit hit : current.foreignIndex().search(lower)) {
      Rule rule = rules.get(hit.phrase());
      int start = hit.end() - rule.folded().length();
      if (found[hit.phrase()] == null && (!rule.kanaOnly() || wholeWord(lower, start, hit.end()))
          && !negatedForeign(lower, start, hit.end(), current.foreignNegations())) {
        found[hit.phrase()] = rule.folded();
      }
    }
    List<TriageResult.Match> matched = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      Rule rule = rules.get(i);
      if (rule.kind() == TriageRules.Kind.LEMMAS && japanese) {
        found[i] = findLemmas(rule, lemmas, tokens, nfkc, current.negations());
      }
      if (found[i] != null) {
        matched.add(new TriageResult.Match(rule.category(), rule.urgency(), rule.source(), found[i]));
      }
    }
    String script = foreignScript(nfkc);
    if (script != null) {
      matched.add(new TriageResult.Match("foreign", Urgency.NORMAL, "script:" + script, script));
    }
    Set<String> categories = new LinkedHashSet<>();
    Urgency urgency = Urgency.NORMAL;
    for (TriageResult.Match m : matched) {
      categories.add(m.category());
      urgency = urgency.max(m.urgency());
    }
    if (categories.isEmpty()) {
      categories.add("other");
    }
    return new TriageResult(categories, urgency, matched);
  }

  /**
   * Whether a negation governs the phrase that ends at {@code end}: the cue must follow it within a few
   * characters of the same clause (「死にたい|とは思っていない」「自殺|は考えていません」). A negation elsewhere in
   * the sentence (「誰にも相談できなくて、死ぬことばかり考えて」) or in the next clause does not cancel it.
   */
  static boolean negated(String text, int end, List<String> negations) {
    // A cue may begin inside the phrase's last characters: 「死ぬ[つもり]はない」 is 死ぬつもり and つもりはない,
    // 「死にたい[わ]けじゃない」 the Kansai 死にたいわ and わけじゃない.
    for (int start = Math.max(0, end - NEGATION_OVERLAP); start < end; start++) {
      for (String cue : negations) {
        if (start + cue.length() > end && text.startsWith(cue, start)) {
          return true;
        }
      }
    }
    int limit = Math.min(text.length(), end + NEGATION_WINDOW);
    for (int start = end; start < limit && start - end <= NEGATION_GAP; start++) {
      if (start > end && CLAUSE_BREAKS.indexOf(text.charAt(start - 1)) >= 0) {
        return false;
      }
      for (String cue : negations) {
        if (text.startsWith(cue, start)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Whether a negation in another language governs the phrase at {@code start..end}: its cue stands right
   * before it (不想死, "don't want to die", "không muốn chết") or right after it (मर्न मन छैन), with at
   * most one spaced word between.
   */
  static boolean negatedForeign(String text, int start, int end, List<TriageRules.ForeignNegation> negations) {
    for (TriageRules.ForeignNegation n : negations) {
      if (n.before()) {
        String head = text.substring(Math.max(0, start - n.cue().length() - FOREIGN_GAP), start);
        int at = head.lastIndexOf(n.cue());
        if (at >= 0 && withinOneWord(head.substring(at + n.cue().length()))) {
          return true;
        }
      } else {
        String tail = text.substring(end, Math.min(text.length(), end + n.cue().length() + FOREIGN_GAP));
        int at = tail.indexOf(n.cue());
        if (at >= 0 && withinOneWord(tail.substring(0, at))) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * Text between a foreign phrase and its negation: nothing, a space, or one word of a spaced script
   * (Latin, Devanagari); in Chinese, which does not space words, nothing (受不了想死 is no negation of 想死).
   */
  private static boolean withinOneWord(String between) {
    String t = between.strip();
    if (t.isEmpty()) {
      return true;
    }
    if (t.contains(" ") || t.chars().anyMatch(c -> CLAUSE_BREAKS.indexOf(c) >= 0)) {
      return false;
    }
    return t.codePoints().allMatch(cp -> {
      Character.UnicodeScript script = Character.UnicodeScript.of(cp);
      return script == Character.UnicodeScript.LATIN || script == Character.UnicodeScript.DEVANAGARI
          || script == Character.UnicodeScript.INHERITED || script == Character.UnicodeScript.COMMON;
    });
  }

  private static String findLemmas(Rule rule, String lemmas, List<Token> tokens, String nfkc, List<String> negations) {
    int from = 0;
    while (true) {
      int at = lemmas.indexOf(rule.lemmas(), from);
      if (at < 0) {
        return null;
      }
      // Which token the match ends on: count separators up to the end of the match.
      int endIndex = countSeparators(lemmas, at + rule.lemmas().length() - 1) - 1;
      int endOffset = tokens.get(Math.min(Math.max(endIndex, 0), tokens.size() - 1)).end();
      String after = TextFolding.foldNormalized(nfkc.substring(Math.min(endOffset, Math.min(nfkc.length(), endOffset + 40))));
      if (!negated(after, 0, negations) && !NEGATIVE_ENDING.matcher(after).lookingAt()) {
        return rule.lemmas().substring(1, rule.lemmas().length() - 1).replace('|', ' ');
      }
      from = at + 1;
    }
  }

  private static int countSeparators(String s, int upTo) {
    int n = 0;
    for (int i = 0; i <= upTo && i < s.length(); i++) {
      if (s.charAt(i) == '|') {
        n++;
      }
    }
    return n - 1;
  }

  private static boolean wholeWord(String text, int start, int end) {
    return (start == 0 || !Character.isLetter(text.charAt(start - 1)))
        && (end >= text.length() || !Character.isLetter(text.charAt(end)));
  }

  private static String readingOf(List<Token> tokens) {
    StringBuilder out = new StringBuilder(tokens.size() * 4);
    tokens.forEach(t -> out.append(t.reading()));
    return out.toString();
  }

  private static String lemmasOf(List<Token> tokens) {
    StringBuilder out = new StringBuilder(tokens.size() * 4).append('|');
    tokens.forEach(t -> out.append(t.lemma()).append('|'));
    return out.toString();
  }

  private static boolean hasJapanese(String s) {
    return s.codePoints().anyMatch(cp -> isKana(cp) || Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN);
  }

  private static boolean isKana(int cp) {
    Character.UnicodeScript script = Character.UnicodeScript.of(cp);
    return script == Character.UnicodeScript.HIRAGANA || script == Character.UnicodeScript.KATAKANA;
  }

  /** The script of a message that is not Japanese: ne, vi, zh or latin; null for Japanese. */
  static String foreignScript(String s) {
    int kana = 0;
    int han = 0;
    int latin = 0;
    int devanagari = 0;
    int vietnamese = 0;
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (isKana(cp)) {
        kana++;
      } else if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.HAN) {
        han++;
      } else if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.DEVANAGARI) {
        devanagari++;
      } else if (Character.UnicodeScript.of(cp) == Character.UnicodeScript.LATIN && Character.isLetter(cp)) {
        latin++;
        if ((cp >= 0x1EA0 && cp <= 0x1EF9) || "ăâđêôơưĂÂĐÊÔƠƯ".indexOf(cp) >= 0) {
          vietnamese++;
        }
      }
    }
    if (devanagari > 0 && devanagari >= kana) {
      return "ne";
    }
    if (kana > 0) {
      return null;
    }
    if (vietnamese >= 2) {
      return "vi";
    }
    if (han >= 2 && han >= latin && s.codePoints().anyMatch(cp -> CHINESE_ONLY.indexOf(cp) >= 0)) {
      return "zh";
    }
    return latin >= 6 && latin > han ? "latin" : null;
  }
}
