package jp.kurashi.core.triage;

import org.apache.lucene.analysis.ja.JapaneseTokenizer;
import org.apache.lucene.analysis.ja.tokenattributes.BaseFormAttribute;
import org.apache.lucene.analysis.ja.tokenattributes.ReadingAttribute;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Kuromoji (Lucene's Japanese morphological analyser): splits text into words with their dictionary
 * form and reading, so rules can find 死にたかった from 死ぬ+たい and しにたい from 死にたい.
 * One tokenizer per thread; loading the dictionary takes a moment, so warm it up on a worker thread.
 */
final class JapaneseAnalyzer {

  private static final ThreadLocal<JapaneseTokenizer> TOKENIZER =
      ThreadLocal.withInitial(() -> new JapaneseTokenizer(null, false, JapaneseTokenizer.Mode.NORMAL));

  private JapaneseAnalyzer() {
  }

  /** A word: its folded dictionary form and reading, and where it ends in the analysed text. */
  record Token(String lemma, String reading, int end) {
  }

  static List<Token> tokens(String nfkcText) {
    JapaneseTokenizer tokenizer = TOKENIZER.get();
    CharTermAttribute term = tokenizer.addAttribute(CharTermAttribute.class);
    BaseFormAttribute base = tokenizer.addAttribute(BaseFormAttribute.class);
    ReadingAttribute reading = tokenizer.addAttribute(ReadingAttribute.class);
    OffsetAttribute offset = tokenizer.addAttribute(OffsetAttribute.class);
    List<Token> tokens = new ArrayList<>();
    try {
      tokenizer.setReader(new StringReader(nfkcText));
      tokenizer.reset();
      while (tokenizer.incrementToken()) {
        String surface = term.toString();
        String lemma = base.getBaseForm() == null ? surface : base.getBaseForm();
        String read = reading.getReading() == null ? surface : reading.getReading();
        tokens.add(new Token(TextFolding.foldNormalized(lemma), TextFolding.foldNormalized(read), offset.endOffset()));
      }
      tokenizer.end();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        tokenizer.close();
      } catch (IOException ignored) {
        // a StringReader does not fail to close
      }
    }
    return tokens;
  }

  /** The readings of a text's words, joined: how it sounds, whatever the script. */
  static String reading(String nfkcText) {
    StringBuilder out = new StringBuilder();
    for (Token t : tokens(nfkcText)) {
      out.append(t.reading());
    }
    return out.toString();
  }
}
