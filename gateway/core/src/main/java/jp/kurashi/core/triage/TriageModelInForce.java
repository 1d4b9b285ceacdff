package jp.kurashi.core.triage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The triage model this instance runs and where it came from: a model the chief installed (its saved id)
 * or the one shipped in the jar (id 0). Every model is put in force through here, so the engine and what
 * {@code GET /api/triage/model} reports agree; a saved model only ever replaces an older one, since an
 * install on this instance and the refresh that finds another instance's install can race.
 *
 * <pre>{@code
 * TriageModelInForce inForce = TriageModelInForce.shipped(TriageRules.bundled());   // worker thread: reads the jar
 * inForce.install(model, sha256, savedId);
 * }</pre>
 */
public final class TriageModelInForce {

  /** A model in force; {@code savedId} 0 is the shipped model. */
  public record Installed(TriageModel model, String sha256, long savedId) {
    public boolean shipped() {
      return savedId == 0;
    }
  }

  private final TriageEngine engine;
  private volatile Installed current;

  private TriageModelInForce(TriageEngine engine, Installed current) {
    this.engine = engine;
    this.current = current;
  }

  private static volatile Installed shipped;

  /**
   * The model shipped in the jar in force with {@code rules}, named by the SHA-256 of its file as an installed
   * model is. The first call in a JVM reads, hashes and parses about 10 MB: call on a worker thread.
   */
  public static TriageModelInForce shipped(TriageRules rules) {
    Installed model = shippedModel();
    return new TriageModelInForce(new TriageEngine(rules, model.model()), model);
  }

  /**
   * The shipped model and its name, read once per JVM like {@link TriageRules#bundled()}: the model is immutable and
   * the jar never changes, and a JVM that starts many gateways (the test suite: about 200) hashed 10 MB each time.
   */
  static Installed shippedModel() {
    Installed model = shipped;
    if (model == null) {
      synchronized (TriageModelInForce.class) {
        model = shipped;
        if (model == null) {
          byte[] file = TriageModel.bundledFile();
          try {
            model = new Installed(TriageModel.read(file), sha256(file), 0);
          } catch (IOException e) {
            throw new UncheckedIOException("the bundled triage model cannot be read", e);
          }
          shipped = model;
        }
      }
    }
    return model;
  }

  public Installed current() {
    return current;
  }

  public TriageEngine engine() {
    return engine;
  }

  /** Puts a saved model in force unless a newer one already is; true when it was put in force. */
  public synchronized boolean install(TriageModel model, String sha256, long savedId) {
    if (savedId <= current.savedId()) {
      return false;
    }
    engine.replace(model);
    current = new Installed(model, sha256, savedId);
    return true;
  }

  /** SHA-256 (hex) of a model file: how a model is named in the API, the database and the logs. */
  public static String sha256(byte[] file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(file));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
