package jp.kurashi.core.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

/**
 * Triage model files the chief installed, with who installed them, when, and what they scored. The
 * newest row is the model every instance runs ({@code TriageModelRefresh}).
 */
public final class TriageModelStore {

  private final Pool pool;
  private final Clock clock;

  public TriageModelStore(Pool pool, Clock clock) {
    this.pool = pool;
    this.clock = clock;
  }

  /** What a model scored on a labelled corpus (shares between 0 and 1). */
  public record Figures(double microF1, double urgencyAccuracy, double crisisRecall, double falseCrisisRate) {
  }

  /**
   * A model to save: its file, what it was trained on and what it and the model it replaces scored on
   * {@code evaluatedCorpusSha256} ({@code messages} labelled messages).
   */
  public record NewModel(byte[] content, String sha256, String corpusSha256, String evaluatedCorpusSha256, int features,
                         long staffId, int messages, Figures figures, String replacedSha256, Figures replaced) {
  }

  /** A saved model without its bytes. */
  public record ModelInfo(long id, String sha256, String corpusSha256, String evaluatedCorpusSha256, int features,
                          long staffId, String staffLogin, Instant installedAt, int messages, Figures figures,
                          String replacedSha256, Figures replaced) {
  }

  /** A saved model's file, to put in force. */
  public record ModelFile(long id, String sha256, String evaluatedCorpusSha256, byte[] content) {
  }

  /** Saves a model installed now; returns its id. */
  public Future<Long> save(NewModel m) {
    Tuple t = Tuple.tuple()
        .addBuffer(Buffer.buffer(m.content())).addString(m.sha256()).addString(m.corpusSha256())
        .addString(m.evaluatedCorpusSha256()).addInteger(m.features()).addLong(m.staffId())
        .addOffsetDateTime(clock.instant().atOffset(ZoneOffset.UTC)).addInteger(m.messages())
        .addDouble(m.figures().microF1()).addDouble(m.figures().urgencyAccuracy())
        .addDouble(m.figures().crisisRecall()).addDouble(m.figures().falseCrisisRate())
        .addString(m.replacedSha256()).addDouble(m.replaced().microF1()).addDouble(m.replaced().urgencyAccuracy())
        .addDouble(m.replaced().crisisRecall()).addDouble(m.replaced().falseCrisisRate());
    return pool.preparedQuery(TriageModelSql.SAVE).execute(t).map(rows -> rows.iterator().next().getLong(0));
  }

  /** The newest saved model's id; empty while the shipped model is in force. */
  public Future<Optional<Long>> latestId() {
    return pool.query(TriageModelSql.LATEST_ID).execute()
        .map(rows -> Optional.ofNullable(rows.iterator().next().getLong(0)));
  }

  public Future<Optional<ModelFile>> file(long id) {
    return pool.preparedQuery(TriageModelSql.CONTENT).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row row = rows.iterator().next();
      return Optional.of(new ModelFile(row.getLong("id"), row.getString("sha256"),
          row.getString("evaluated_corpus_sha256"), row.getBuffer("content").getBytes()));
    });
  }

  public Future<Optional<ModelInfo>> info(long id) {
    return pool.preparedQuery(TriageModelSql.INFO).execute(Tuple.of(id)).map(rows -> {
      if (rows.size() == 0) {
        return Optional.empty();
      }
      Row r = rows.iterator().next();
      return Optional.of(new ModelInfo(r.getLong("id"), r.getString("sha256"), r.getString("corpus_sha256"),
          r.getString("evaluated_corpus_sha256"), r.getInteger("features"), r.getLong("staff_id"), r.getString("login"),
          r.getOffsetDateTime("created_at").toInstant(), r.getInteger("messages"),
          new Figures(r.getDouble("micro_f1"), r.getDouble("urgency_accuracy"), r.getDouble("crisis_recall"),
              r.getDouble("false_crisis_rate")),
          r.getString("replaced_sha256"),
          new Figures(r.getDouble("replaced_micro_f1"), r.getDouble("replaced_urgency_accuracy"),
              r.getDouble("replaced_crisis_recall"), r.getDouble("replaced_false_crisis_rate"))));
    });
  }
}
