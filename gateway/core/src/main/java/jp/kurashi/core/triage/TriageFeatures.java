package jp.kurashi.core.triage;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What the statistical model reads of a message: character 1–3-grams of the folded text (they survive
 * typos, dialect endings, hiragana-only writing and languages without spaces), Kuromoji dictionary forms
 * and pairs of them for Japanese (so 死にたかった and 死にたくて share 死ぬ+たい), and words for other
 * languages, with and without their accents, and the {@link ConceptLexicon} concepts it mentions (alone
 * and in pairs). Each feature is a 32-bit hash of its kind and text, so no
 * vocabulary is kept here.
 */
public final class TriageFeatures {

  private static final int MAX_NGRAM = 3;
  private static final int CHAR = 0x3c6ef372;
  private static final int LEMMA = 0x1b873593;
  private static final int LEMMA_PAIR = 0x5bd1e995;
  private static final int WORD = 0x27d4eb2f;
  private static final int CONCEPT = 0x165667b1;
  private static final int CONCEPT_PAIR = 0x61c88647;
  private static final char WORD_BREAK = '_';
  private static final Pattern SPACES = Pattern.compile("\\s+");
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{M}\\p{N}]+");

  /** The hashes of every concept feature and pair, sorted: the trainer gives them more weight. */
  private static final int[] CONCEPT_FEATURES = conceptFeatures();

  private TriageFeatures() {
  }

  private static int[] conceptFeatures() {
    List<String> names = ConceptLexicon.bundled().concepts();
    HashSet32 all = new HashSet32(names.size() * names.size());
    for (int i = 0; i < names.size(); i++) {
      all.add(hash(CONCEPT, names.get(i)));
      for (int j = 0; j < names.size(); j++) {
        all.add(hash(CONCEPT_PAIR, names.get(i) + "+" + names.get(j)));
      }
    }
    return all.toSortedArray();
  }

  /** Whether a feature is a concept of the lexicon (or a pair of them) rather than text. */
  static boolean isConcept(int feature) {
    return Arrays.binarySearch(CONCEPT_FEATURES, feature) >= 0;
  }

  /**
   * The distinct features of a message, as hashes in ascending order (the model gives them their
   * weights), and whether it is written with kana: the model's crisis threshold differs for messages in
   * Japanese and in other languages, which it has seen fewer of.
   */
  public record Vector(int[] features, boolean kana) {
  }

  public static Vector of(String text) {
    String nfkc = TextFolding.nfkc(text == null ? "" : text);
    return of(nfkc, hasJapanese(nfkc) ? JapaneseAnalyzer.tokens(nfkc) : List.of());
  }

  /** From NFKC text and its Kuromoji tokens (empty for text without Japanese), as the engine has them. */
  static Vector of(String nfkc, List<JapaneseAnalyzer.Token> tokens) {
    HashSet32 seen = new HashSet32(nfkc.length() * 4 + 16);
    String folded = TextFolding.foldNormalized(SPACES.matcher(nfkc).replaceAll(String.valueOf(WORD_BREAK)));
    int[] cps = folded.codePoints().toArray();
    for (int n = 1; n <= MAX_NGRAM; n++) {
      for (int i = 0; i + n <= cps.length; i++) {
        seen.add(hash(CHAR, cps, i, n));
      }
    }
    String previous = "^";
    for (JapaneseAnalyzer.Token t : tokens) {
      if (t.lemma().isEmpty()) {
        continue;
      }
      seen.add(hash(LEMMA, t.lemma()));
      seen.add(hash(LEMMA_PAIR, previous + "|" + t.lemma()));
      previous = t.lemma();
    }
    for (String word : NOT_WORD.split(nfkc.toLowerCase(Locale.ROOT))) {
      if (word.length() > 1) {
        seen.add(hash(WORD, word));
        String bare = TextFolding.withoutAccents(word);
        if (!bare.equals(word)) {
          seen.add(hash(WORD, bare));
        }
      }
    }
    List<String> concepts = ConceptLexicon.bundled().find(nfkc);
    for (int i = 0; i < concepts.size(); i++) {
      seen.add(hash(CONCEPT, concepts.get(i)));
      for (int j = i + 1; j < concepts.size(); j++) {
        // Pairs let a linear model weigh "death_wish with negated_ideation" apart from death_wish alone.
        seen.add(hash(CONCEPT_PAIR, concepts.get(i) + "+" + concepts.get(j)));
      }
    }
    return new Vector(seen.toSortedArray(), hasKana(nfkc));
  }

  private static boolean hasKana(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      Character.UnicodeScript script = Character.UnicodeScript.of(cp);
      if (script == Character.UnicodeScript.HIRAGANA || script == Character.UnicodeScript.KATAKANA) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasJapanese(String s) {
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      Character.UnicodeScript script = Character.UnicodeScript.of(cp);
      if (script == Character.UnicodeScript.HIRAGANA || script == Character.UnicodeScript.KATAKANA
          || script == Character.UnicodeScript.HAN) {
        return true;
      }
    }
    return false;
  }

  private static int hash(int kind, int[] cps, int from, int n) {
    int h = kind;
    for (int i = from; i < from + n; i++) {
      h = (h ^ cps[i]) * 0x01000193;
    }
    return mix(h ^ n);
  }

  private static int hash(int kind, String s) {
    int h = kind;
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x01000193;
    }
    return mix(h ^ s.length());
  }

  /** Murmur3's finaliser: spreads FNV's weak low bits so the open-addressing tables stay short. */
  static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }

  /** A set of ints without boxing: a message of 1,000 characters has some 3,000 features. */
  private static final class HashSet32 {
    private int[] slots;
    private boolean[] used;
    private int size;

    HashSet32(int expected) {
      int capacity = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
      slots = new int[capacity];
      used = new boolean[capacity];
    }

    void add(int value) {
      if (size * 2 >= slots.length) {
        grow();
      }
      int mask = slots.length - 1;
      int i = mix(value) & mask;
      while (used[i]) {
        if (slots[i] == value) {
          return;
        }
        i = (i + 1) & mask;
      }
      used[i] = true;
      slots[i] = value;
      size++;
    }

    private void grow() {
      int[] oldSlots = slots;
      boolean[] oldUsed = used;
      slots = new int[oldSlots.length * 2];
      used = new boolean[oldSlots.length * 2];
      size = 0;
      for (int i = 0; i < oldSlots.length; i++) {
        if (oldUsed[i]) {
          add(oldSlots[i]);
        }
      }
    }

    int[] toSortedArray() {
      int[] out = new int[size];
      int k = 0;
      for (int i = 0; i < slots.length; i++) {
        if (used[i]) {
          out[k++] = slots[i];
        }
      }
      Arrays.sort(out);
      return out;
    }
  }
}
