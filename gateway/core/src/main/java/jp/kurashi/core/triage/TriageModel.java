package jp.kurashi.core.triage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The trained linear classifier: one weight per feature for each category, one for "urgent or worse" and
 * one for "crisis", and the crisis threshold chosen for recall on held-out folds. Immutable and
 * thread-safe; about 4 bytes per feature and head in memory. Made by {@link TriageTrainer}, stored as a
 * small gzip file that names the corpus it was trained on and the {@link ConceptLexicon} it read with by
 * their SHA-256.
 */
public final class TriageModel {

  private static final int MAGIC = 0x4b47544d; // "KGTM"
  private static final int FORMAT = 2;
  /** The first layout: one category threshold for every head. Still read, so an installed model keeps working. */
  private static final int FORMAT_ONE_THRESHOLD = 1;
  /** More numbers than any model holds (weights of every feature and head): a file claiming more is damaged. */
  private static final int MAX_FEATURES = 5_000_000;
  /** The inflated size of a model at {@link #MAX_FEATURES}, with its vocabulary, idf and header. */
  private static final int MAX_INFLATED_BYTES = 4 * MAX_FEATURES + 8 * (MAX_FEATURES / 3) + (1 << 20);
  static final String URGENT_HEAD = "!urgent";
  static final String CRISIS_HEAD = "!crisis";

  private final String corpusSha256;
  private final List<String> heads;
  private final int[] vocabulary;
  private final float[] idf;
  private final float[] weights;
  private final float[] biases;
  private final double crisisThreshold;
  private final double otherCrisisThreshold;
  private final double categoryThreshold;
  private final double[] categoryThresholds;
  private final int urgentHead;
  private final int crisisHead;

  TriageModel(String corpusSha256, List<String> heads, int[] vocabulary, float[] idf, float[] weights,
              float[] biases, double crisisThreshold, double otherCrisisThreshold, double categoryThreshold,
              double[] categoryThresholds) {
    if (weights.length != vocabulary.length * heads.size() || biases.length != heads.size()
        || idf.length != vocabulary.length || categoryThresholds.length != heads.size()) {
      throw new IllegalArgumentException("weights do not match the vocabulary and heads");
    }
    this.corpusSha256 = corpusSha256;
    this.heads = List.copyOf(heads);
    this.vocabulary = vocabulary;
    this.idf = idf;
    this.weights = weights;
    this.biases = biases;
    this.crisisThreshold = crisisThreshold;
    this.otherCrisisThreshold = otherCrisisThreshold;
    this.categoryThreshold = categoryThreshold;
    this.categoryThresholds = categoryThresholds.clone();
    this.urgentHead = this.heads.indexOf(URGENT_HEAD);
    this.crisisHead = this.heads.indexOf(CRISIS_HEAD);
    if (urgentHead < 0 || crisisHead < 0) {
      throw new IllegalArgumentException("a model needs the urgent and crisis heads");
    }
  }

  /** What the model says of one message. */
  public record Verdict(Set<String> categories, Urgency urgency, double urgentScore, double crisisScore, boolean crisis,
                        Set<String> ruledOut) {
  }

  /** A category score below this: the model is confident the message is not about it (chosen on 10 folds). */
  static final double CONFIDENTLY_NOT = -0.8;

  /** The SHA-256 (hex) of the corpus this model was trained on, as {@link TriageCorpus#sha256} gives it. */
  public String corpusSha256() {
    return corpusSha256;
  }

  /** The crisis threshold for messages written with kana. */
  public double crisisThreshold() {
    return crisisThreshold;
  }

  /** The crisis threshold for messages in other scripts (and romaji). */
  public double otherCrisisThreshold() {
    return otherCrisisThreshold;
  }

  /** The categories this model can give. */
  public List<String> categories() {
    return heads.stream().filter(h -> !h.startsWith("!")).toList();
  }

  public int features() {
    return vocabulary.length;
  }

  public Verdict predict(String text) {
    return predict(TriageFeatures.of(text));
  }

  /** The verdict on features already extracted (the engine shares one Kuromoji pass with the rules). */
  public Verdict predict(TriageFeatures.Vector x) {
    return decide(scores(x), x.kana());
  }

  /** Raw decision values per head, in {@link #heads} order: for training and evaluation. */
  double[] scores(TriageFeatures.Vector x) {
    int h = heads.size();
    double[] out = new double[h];
    int[] rows = rowsOf(vocabulary, x);
    double norm = norm(rows, idf);
    for (int row : rows) {
      if (row >= 0) {
        double value = idf[row] / norm;
        int base = row * h;
        for (int k = 0; k < h; k++) {
          out[k] += value * weights[base + k];
        }
      }
    }
    for (int k = 0; k < h; k++) {
      out[k] += biases[k];
    }
    return out;
  }

  /** Where each feature of {@code x} is in a sorted vocabulary, or -1 for a feature it does not have. */
  static int[] rowsOf(int[] vocabulary, TriageFeatures.Vector x) {
    int[] features = x.features();
    int[] rows = new int[features.length];
    Arrays.fill(rows, -1);
    // Both arrays are sorted, so each search starts where the last one ended and gallops forward: a message's
    // features are spread over the vocabulary, a few hundred rows apart, found in a few steps instead of 17.
    int from = 0;
    for (int i = 0; i < features.length && from < vocabulary.length; i++) {
      int key = features[i];
      int step = 1;
      int to = from;
      while (to < vocabulary.length && vocabulary[to] < key) {
        from = to + 1;
        to += step;
        step <<= 1;
      }
      int at = Arrays.binarySearch(vocabulary, from, Math.min(to + 1, vocabulary.length), key);
      rows[i] = Math.max(-1, at);
      from = at >= 0 ? at + 1 : -at - 1;
    }
    return rows;
  }

  /** The length of the tf-idf vector over known features: a message is scaled to unit length, whatever its size. */
  static double norm(int[] rows, float[] idf) {
    double sum = 0;
    for (int row : rows) {
      if (row >= 0) {
        sum += (double) idf[row] * idf[row];
      }
    }
    return sum == 0 ? 1 : Math.sqrt(sum);
  }

  List<String> heads() {
    return heads;
  }

  Verdict decide(double[] scores, boolean kana) {
    Set<String> categories = new LinkedHashSet<>();
    Set<String> ruledOut = new LinkedHashSet<>();
    int best = -1;
    for (int k = 0; k < heads.size(); k++) {
      if (heads.get(k).startsWith("!")) {
        continue;
      }
      if (scores[k] > categoryThresholds[k]) {
        categories.add(heads.get(k));
      } else if (scores[k] < CONFIDENTLY_NOT) {
        ruledOut.add(heads.get(k));
      }
      if (best < 0 || scores[k] > scores[best]) {
        best = k;
      }
    }
    if (categories.isEmpty() && best >= 0) {
      // Every message is about something: the likeliest category rather than none.
      categories.add(heads.get(best));
    }
    boolean crisis = scores[crisisHead] >= (kana ? crisisThreshold : otherCrisisThreshold);
    Urgency urgency = crisis ? Urgency.CRISIS : scores[urgentHead] > 0 ? Urgency.URGENT : Urgency.NORMAL;
    return new Verdict(categories, urgency, scores[urgentHead], scores[crisisHead], crisis, ruledOut);
  }

  /** The model file: gzip of a versioned binary layout; the same model always gives the same bytes. */
  public byte[] toBytes() {
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(header)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeUTF(corpusSha256);
      out.writeUTF(ConceptLexicon.bundled().sha256());
      out.writeDouble(crisisThreshold);
      out.writeDouble(otherCrisisThreshold);
      out.writeDouble(categoryThreshold);
      out.writeInt(heads.size());
      for (String head : heads) {
        out.writeUTF(head);
      }
      for (double t : categoryThresholds) {
        out.writeDouble(t);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // The arrays (millions of numbers) in bulk: one DataOutputStream call per number took half a second.
    ByteBuffer arrays = ByteBuffer.allocate(4 * (biases.length + 1 + vocabulary.length + idf.length + weights.length));
    arrays.asFloatBuffer().put(biases);
    arrays.position(4 * biases.length).putInt(vocabulary.length);
    arrays.asIntBuffer().put(vocabulary);
    arrays.position(arrays.position() + 4 * vocabulary.length);
    arrays.asFloatBuffer().put(idf).put(weights);
    ByteArrayOutputStream file = new ByteArrayOutputStream(arrays.capacity() / 2);
    try (GZIPOutputStream gzip = new GZIPOutputStream(file, 1 << 16)) {
      gzip.write(header.toByteArray());
      gzip.write(arrays.array());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toByteArray();
  }

  /** Reads a model file; anything else (a truncated upload, another format) is a {@link TriageModelException}. */
  public static TriageModel read(InputStream stream) throws IOException {
    byte[] raw;
    try (GZIPInputStream gzip = new GZIPInputStream(stream, 1 << 16)) {
      // Bounded: an upload that inflates without end is refused, not read into the heap.
      raw = gzip.readNBytes(MAX_INFLATED_BYTES + 1);
    } catch (java.io.EOFException | java.util.zip.ZipException e) {
      throw new TriageModelException("model file damaged or truncated");
    }
    if (raw.length > MAX_INFLATED_BYTES) {
      throw new TriageModelException("model file damaged (larger than any model)");
    }
    try {
      return read(ByteBuffer.wrap(raw));
    } catch (BufferUnderflowException e) {
      throw new TriageModelException("model file damaged or truncated");
    } catch (java.io.UTFDataFormatException e) {
      throw new TriageModelException("model file damaged (text)");
    }
  }

  private static TriageModel read(ByteBuffer in) throws IOException {
    if (in.getInt() != MAGIC) {
      throw new TriageModelException("not a triage model file");
    }
    int format = in.getInt();
    if (format != FORMAT && format != FORMAT_ONE_THRESHOLD) {
      throw new TriageModelException("model format " + format + " is not supported (this gateway reads "
          + FORMAT_ONE_THRESHOLD + " and " + FORMAT + ")");
    }
    String sha = utf(in);
    if (!utf(in).equals(ConceptLexicon.bundled().sha256())) {
      throw new TriageModelException("the model was trained with another concept lexicon than this gateway's; "
          + "train it again with this version (triage train)");
    }
    double threshold = in.getDouble();
    double otherThreshold = in.getDouble();
    double categoryThreshold = in.getDouble();
    if (!Double.isFinite(threshold) || !Double.isFinite(otherThreshold) || !Double.isFinite(categoryThreshold)) {
      throw new TriageModelException("model file damaged (crisis thresholds)");
    }
    int headCount = in.getInt();
    if (headCount < 3 || headCount > 256) {
      throw new TriageModelException("model file damaged (heads)");
    }
    List<String> heads = new ArrayList<>();
    for (int i = 0; i < headCount; i++) {
      heads.add(utf(in));
    }
    double[] thresholds = new double[headCount];
    for (int i = 0; i < headCount; i++) {
      thresholds[i] = format == FORMAT_ONE_THRESHOLD ? categoryThreshold : in.getDouble();
      if (!Double.isFinite(thresholds[i])) {
        throw new TriageModelException("model file damaged (thresholds)");
      }
    }
    float[] biases = floats(in, headCount);
    int size = in.getInt();
    if (size < 0 || size > MAX_FEATURES / headCount) {
      throw new TriageModelException("model file damaged (vocabulary)");
    }
    requireBytes(in, 4L * size);
    int[] vocabulary = new int[size];
    in.asIntBuffer().get(vocabulary);
    in.position(in.position() + 4 * size);
    for (int i = 1; i < size; i++) {
      if (vocabulary[i] <= vocabulary[i - 1]) {
        throw new TriageModelException("model file damaged (vocabulary order)");
      }
    }
    float[] idf = floats(in, size);
    float[] weights = floats(in, size * headCount);
    if (in.hasRemaining()) {
      throw new TriageModelException("model file damaged (trailing bytes)");
    }
    try {
      return new TriageModel(sha, heads, vocabulary, idf, weights, biases, threshold, otherThreshold, categoryThreshold,
          thresholds);
    } catch (IllegalArgumentException e) {
      throw new TriageModelException("model file damaged (" + e.getMessage() + ")");
    }
  }

  /** Before an array is made for what a count says: a damaged count must not cost the heap it names. */
  private static void requireBytes(ByteBuffer in, long bytes) {
    if (in.remaining() < bytes) {
      throw new BufferUnderflowException();
    }
  }

  /** A string as {@link DataOutputStream#writeUTF} wrote it (modified UTF-8 after a two-byte length). */
  private static String utf(ByteBuffer in) throws IOException {
    if (in.remaining() < 2 || in.remaining() < 2 + Short.toUnsignedInt(in.getShort(in.position()))) {
      throw new BufferUnderflowException();
    }
    int length = 2 + Short.toUnsignedInt(in.getShort(in.position()));
    String s = DataInputStream.readUTF(new DataInputStream(
        new ByteArrayInputStream(in.array(), in.arrayOffset() + in.position(), length)));
    in.position(in.position() + length);
    return s;
  }

  private static float[] floats(ByteBuffer in, int count) {
    requireBytes(in, 4L * count);
    float[] values = new float[count];
    in.asFloatBuffer().get(values);
    in.position(in.position() + 4 * count);
    return values;
  }

  public static TriageModel read(byte[] bytes) throws IOException {
    return read(new ByteArrayInputStream(bytes));
  }

  /** The model shipped in the jar, trained on the shipped corpus (read once per JVM; immutable). */
  public static TriageModel bundled() {
    return TriageModelInForce.shippedModel().model();
  }

  /** The bytes of the model file shipped in the jar. */
  static byte[] bundledFile() {
    try (InputStream in = TriageModel.class.getResourceAsStream("/triage/model.bin")) {
      if (in == null) {
        throw new IllegalStateException("the bundled triage model is missing from the jar");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
