package jp.kurashi.core.triage;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Trains a {@link TriageModel} with liblinear: an L2-regularised linear SVM per category (one against
 * the rest), one for "urgent or worse" and one for "crisis" whose missed crises cost more than false
 * alarms. The crisis threshold is then lowered, on held-out folds of the training messages, until the
 * rules and the model together find {@link Settings#crisisRecall} of the crises there. Deterministic:
 * the same corpus and settings give the same model, byte for byte.
 */
public final class TriageTrainer {

  /**
   * The knobs, with the values the shipped model was trained with (chosen by 10-fold cross-validation;
   * docs/TRIAGE.md says what each bought).
   *
   * @param cost              liblinear's C for every head
   * @param positiveCost      how much more a missed category costs than a wrong one
   * @param crisisCost        how much more a missed crisis costs than a false one, in training
   * @param minDocuments      a feature must occur in this many training messages to be kept
   * @param thresholdFolds    inner folds that give held-out crisis scores for the threshold
   * @param crisisRecall      share of crises rules and model together should find on those folds
   * @param maxFalseCrisis    but the model alone may call at most this share of the others a crisis
   * @param categoryThreshold decision value above which a category is given
   * @param conceptWeight     how much more a lexicon concept weighs than one n-gram of the same rarity
   * @param categoryThresholds the categories whose own threshold differs from {@code categoryThreshold}
   */
  public record Settings(double cost, double positiveCost, double crisisCost, int minDocuments, int thresholdFolds,
                         double crisisRecall, double maxFalseCrisis, double categoryThreshold, double conceptWeight,
                         Map<String, Double> categoryThresholds) {
    /**
     * Per category, the threshold that each of ten folds chose on the other nine (coordinate ascent on micro-F1, steps
     * of 0.1); every fold chose these values or one step beside them (docs/TRIAGE.md).
     */
    private static final Map<String, Double> PER_CATEGORY = Map.ofEntries(
        Map.entry("economic", -0.3), Map.entry("budget", -0.5), Map.entry("homeless", -0.3), Map.entry("food", -0.5),
        Map.entry("disability", -0.5), Map.entry("mental_health", -0.2), Map.entry("suicide_risk", -0.3),
        Map.entry("family", -0.3), Map.entry("childcare", -0.3), Map.entry("child_education", -0.3),
        Map.entry("isolation", -0.3), Map.entry("legal", -0.2), Map.entry("foreign", -0.2), Map.entry("other", -0.5));

    public static final Settings DEFAULT = new Settings(1.0, 1.0, 4.0, 2, 5, 0.99, 0.15, -0.4, 2.0, PER_CATEGORY);

    public Settings {
      categoryThresholds = Map.copyOf(categoryThresholds);
    }

    /** The threshold of {@code head}. */
    double categoryThreshold(String head) {
      return categoryThresholds.getOrDefault(head, categoryThreshold);
    }
  }

  private static final int INNER_FOLD_SALT = 0x2545f491;

  private final Settings settings;
  private final TriageRules rules;

  public TriageTrainer(Settings settings, TriageRules rules) {
    this.settings = settings;
    this.rules = rules;
    Linear.disableDebugOutput();
  }

  /**
   * Each message's features and what the rules said of it, computed once: the analysis is the costly part,
   * and cross-validation reuses both for every fold.
   */
  public record Prepared(List<LabelledMessage> messages, List<TriageFeatures.Vector> vectors, List<TriageResult> byRules) {
    boolean rulesSayCrisis(int row) {
      return byRules.get(row).urgency() == Urgency.CRISIS;
    }

    /** The same data for some of the messages only. */
    Prepared rows(List<Integer> rows) {
      return new Prepared(rows.stream().map(messages::get).toList(), rows.stream().map(vectors::get).toList(),
          rows.stream().map(byRules::get).toList());
    }
  }

  public Prepared prepare(List<LabelledMessage> messages) {
    List<TriageFeatures.Vector> vectors = new ArrayList<>(messages.size());
    List<TriageResult> byRules = new ArrayList<>(messages.size());
    TriageEngine engine = new TriageEngine(rules);
    for (LabelledMessage m : messages) {
      TriageEngine.Analysis analysis = engine.analyse(m.text());
      vectors.add(analysis.features());
      byRules.add(analysis.byRules());
    }
    return new Prepared(List.copyOf(messages), vectors, byRules);
  }

  public TriageModel train(TriageCorpus corpus) {
    return train(prepare(corpus.messages()), corpus.sha256());
  }

  /** Trains on the prepared messages; {@code corpusSha256} is recorded in the model. */
  public TriageModel train(Prepared data, String corpusSha256) {
    int[] all = new int[data.messages().size()];
    Arrays.setAll(all, i -> i);
    Fitted fitted = fit(data, all);
    double[] held = heldOutCrisisScores(data, all);
    double kana = chooseThreshold(data, all, held, true);
    double other = chooseThreshold(data, all, held, false);
    double[] categoryThresholds = fitted.heads().stream().mapToDouble(settings::categoryThreshold).toArray();
    return fitted.toModel(corpusSha256, kana, other, settings.categoryThreshold(), categoryThresholds);
  }

  /** The crisis score of each training message from a model that did not see it (inner folds). */
  private double[] heldOutCrisisScores(Prepared data, int[] rows) {
    double[] held = new double[rows.length];
    int folds = settings.thresholdFolds();
    // Folds side by side: each writes only its own messages' scores, so the result does not depend on the cores.
    java.util.stream.IntStream.range(0, folds).parallel().forEach(f -> {
      List<Integer> train = new ArrayList<>();
      List<Integer> test = new ArrayList<>();
      for (int i = 0; i < rows.length; i++) {
        (TriageCrossValidation.fold(data.messages().get(rows[i]), folds, INNER_FOLD_SALT) == f ? test : train).add(i);
      }
      int[] trainRows = train.stream().mapToInt(i -> rows[i]).toArray();
      Fitted fitted = fitHead(data, trainRows, TriageModel.CRISIS_HEAD);
      for (int i : test) {
        held[i] = fitted.score(data.vectors().get(rows[i]), 0);
      }
    });
    return held;
  }

  /**
   * The crisis threshold for messages with kana ({@code kana}) or without, from their held-out scores:
   * low enough that rules and model together find {@link Settings#crisisRecall} of the crises, unless
   * the model alone would then raise more than {@link Settings#maxFalseCrisis} false alarms.
   */
  private double chooseThreshold(Prepared data, int[] all, double[] held, boolean kana) {
    int[] rows = java.util.stream.IntStream.range(0, all.length)
        .filter(i -> data.vectors().get(all[i]).kana() == kana).toArray();
    if (rows.length == 0) {
      return 0.0;
    }
    List<Double> missedByRules = new ArrayList<>();
    List<Double> calm = new ArrayList<>();
    long crises = 0;
    for (int i : rows) {
      LabelledMessage m = data.messages().get(all[i]);
      boolean byRules = data.rulesSayCrisis(all[i]);
      if (m.urgency() == Urgency.CRISIS) {
        crises++;
        if (!byRules) {
          missedByRules.add(held[i]);
        }
      } else if (!byRules) {
        calm.add(held[i]);
      }
    }
    double forRecall = 0.0;
    if (!missedByRules.isEmpty()) {
      missedByRules.sort(null);
      // The model may miss at most this many of the crises the rules missed.
      int allowed = (int) Math.floor(crises * (1 - settings.crisisRecall()));
      forRecall = missedByRules.get(Math.min(allowed, missedByRules.size() - 1)) - 1e-6;
    }
    // A safety net that calls most messages a crisis is one staff learn to ignore: the recall target
    // gives way where the model alone would raise more than maxFalseCrisis false alarms.
    calm.sort(Collections.reverseOrder());
    int budget = (int) Math.floor((rows.length - crises) * settings.maxFalseCrisis());
    double forBudget = calm.isEmpty() ? Double.NEGATIVE_INFINITY : calm.get(Math.min(budget, calm.size() - 1)) + 1e-6;
    return Math.min(0.0, Math.max(forRecall, forBudget));
  }

  private Fitted fit(Prepared data, int[] rows) {
    TreeSet<String> categories = new TreeSet<>();
    for (int r : rows) {
      categories.addAll(data.messages().get(r).categories());
    }
    List<String> heads = new ArrayList<>(orderedCategories(categories));
    heads.add(TriageModel.URGENT_HEAD);
    heads.add(TriageModel.CRISIS_HEAD);
    return fitHeads(data, rows, heads);
  }

  private Fitted fitHead(Prepared data, int[] rows, String head) {
    return fitHeads(data, rows, List.of(head));
  }

  private Fitted fitHeads(Prepared data, int[] rows, List<String> heads) {
    Vocabulary vocabulary = Vocabulary.of(data.vectors(), rows, settings.minDocuments(), settings.conceptWeight());
    Problem problem = new Problem();
    problem.l = rows.length;
    problem.n = vocabulary.size() + 1;
    problem.bias = 1.0;
    problem.x = new Feature[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      problem.x[i] = vocabulary.nodes(data.vectors().get(rows[i]));
    }
    float[] weights = new float[vocabulary.size() * heads.size()];
    float[] biases = new float[heads.size()];
    for (int k = 0; k < heads.size(); k++) {
      String head = heads.get(k);
      problem.y = new double[rows.length];
      boolean any = false;
      for (int i = 0; i < rows.length; i++) {
        boolean positive = isPositive(data.messages().get(rows[i]), head);
        problem.y[i] = positive ? 1 : -1;
        any |= positive;
      }
      if (!any) {
        biases[k] = -1f;
        continue;
      }
      Parameter parameter = new Parameter(SolverType.L2R_L2LOSS_SVC_DUAL, settings.cost(), 0.01);
      parameter.setRandom(new Random(7));
      double positiveCost = head.equals(TriageModel.CRISIS_HEAD) ? settings.crisisCost() : settings.positiveCost();
      parameter.setWeights(new double[] {positiveCost, 1.0}, new int[] {1, -1});
      Model model = Linear.train(problem, parameter);
      double sign = model.getLabels()[0] == 1 ? 1 : -1;
      double[] w = model.getFeatureWeights();
      for (int j = 0; j < vocabulary.size(); j++) {
        weights[j * heads.size() + k] = (float) (sign * w[j]);
      }
      biases[k] = (float) (sign * w[vocabulary.size()] * problem.bias);
    }
    return new Fitted(heads, vocabulary.features(), vocabulary.idf(), weights, biases);
  }

  private static boolean isPositive(LabelledMessage m, String head) {
    return switch (head) {
      case TriageModel.URGENT_HEAD -> m.urgency() != Urgency.NORMAL;
      case TriageModel.CRISIS_HEAD -> m.urgency() == Urgency.CRISIS;
      default -> m.categories().contains(head);
    };
  }

  /** The intake form's order first (as staff read them), then any category this gateway does not know yet. */
  private static List<String> orderedCategories(TreeSet<String> present) {
    List<String> out = new ArrayList<>();
    for (String code : Category.codes()) {
      if (present.remove(code)) {
        out.add(code);
      }
    }
    out.addAll(present);
    return out;
  }

  /** Weights before they become a model: also scores messages for the threshold search. */
  private record Fitted(List<String> heads, int[] vocabulary, float[] idf, float[] weights, float[] biases) {
    double score(TriageFeatures.Vector x, int head) {
      int[] rows = TriageModel.rowsOf(vocabulary, x);
      double norm = TriageModel.norm(rows, idf);
      double s = biases[head];
      for (int row : rows) {
        if (row >= 0) {
          s += idf[row] / norm * weights[row * heads.size() + head];
        }
      }
      return s;
    }

    TriageModel toModel(String sha, double kanaThreshold, double otherThreshold, double categoryThreshold,
                        double[] categoryThresholds) {
      return new TriageModel(sha, heads, vocabulary, idf, weights, biases, kanaThreshold, otherThreshold,
          categoryThreshold, categoryThresholds);
    }
  }

  /**
   * The features seen in at least {@code minDocuments} training messages, sorted, with their inverse
   * document frequency (smoothed, as scikit-learn does) and liblinear's 1-based index.
   */
  private record Vocabulary(int[] features, float[] idf) {
    static Vocabulary of(List<TriageFeatures.Vector> vectors, int[] rows, int minDocuments, double conceptWeight) {
      Map<Integer, Integer> counts = new HashMap<>();
      for (int r : rows) {
        for (int f : vectors.get(r).features()) {
          counts.merge(f, 1, Integer::sum);
        }
      }
      int[] kept = counts.entrySet().stream().filter(e -> e.getValue() >= minDocuments)
          .mapToInt(Map.Entry::getKey).sorted().toArray();
      float[] idf = new float[kept.length];
      for (int i = 0; i < kept.length; i++) {
        idf[i] = (float) (Math.log((1.0 + rows.length) / (1.0 + counts.get(kept[i]))) + 1.0);
        if (TriageFeatures.isConcept(kept[i])) {
          idf[i] *= (float) conceptWeight;
        }
      }
      return new Vocabulary(kept, idf);
    }

    int size() {
      return features.length;
    }

    /** The message as liblinear reads it: tf-idf over known features, unit length, then the bias term. */
    Feature[] nodes(TriageFeatures.Vector x) {
      int[] rows = TriageModel.rowsOf(features, x);
      double norm = TriageModel.norm(rows, idf);
      List<Feature> out = new ArrayList<>(rows.length + 1);
      for (int row : rows) {
        if (row >= 0) {
          out.add(new FeatureNode(row + 1, idf[row] / norm));
        }
      }
      out.add(new FeatureNode(features.length + 1, 1.0));
      return out.toArray(new Feature[0]);
    }
  }
}
